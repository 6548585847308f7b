"""Row scope (SPEC ORG-03) for the pool issue's doctypes: leads like customers (own, subordinates',
the pool), follow-ups and applications by their salesperson / applicant."""

import frappe
from frappe.query_builder import Criterion

from crm_suite.permissions.scope import visible_users

POOL_STATE = "Pool"


def lead_scope_criterion(user: str | None = None, table=None):
	user = user or frappe.session.user
	users = visible_users(user)
	if users is None:
		return None
	table = table or frappe.qb.DocType("Sales Lead")
	return Criterion.any([table.salesperson.isin(users), table.lifecycle_state == POOL_STATE])


def follow_up_scope_criterion(user: str | None = None, table=None):
	user = user or frappe.session.user
	users = visible_users(user)
	if users is None:
		return None
	table = table or frappe.qb.DocType("Follow Up Record")
	return table.salesperson.isin(users)


def _sql(criterion) -> str:
	return "" if criterion is None else f"({criterion.get_sql(quote_char='`', with_namespace=True)})"


def lead_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return _sql(lead_scope_criterion(user))


def follow_up_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return _sql(follow_up_scope_criterion(user))


def _owner_field_conditions(doctype: str, field: str, user: str | None) -> str:
	users = visible_users(user or frappe.session.user)
	if users is None:
		return ""
	table = frappe.qb.DocType(doctype)
	return _sql(getattr(table, field).isin(users) | (table.owner == (user or frappe.session.user)))


def claim_application_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return _owner_field_conditions("Claim Application", "applicant", user)


def invalid_application_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return _owner_field_conditions("Invalid Customer Application", "applicant", user)


def transfer_request_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return _owner_field_conditions("Customer Transfer Request", "from_salesperson", user)


def _visible(doc, field: str, user: str | None) -> bool:
	user = user or frappe.session.user
	users = visible_users(user)
	return users is None or doc.is_new() or doc.get(field) in users or doc.get("owner") == user


def lead_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
	if doc.get("lifecycle_state") == POOL_STATE and ptype in ("read", "print"):
		return True
	return _visible(doc, "salesperson", user)


def follow_up_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
	return _visible(doc, "salesperson", user)


def application_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
	field = "from_salesperson" if doc.doctype == "Customer Transfer Request" else "applicant"
	return _visible(doc, field, user)
