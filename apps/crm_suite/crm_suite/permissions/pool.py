"""Row scope (SPEC ORG-03) for the pool issue's doctypes: leads like customers (own, subordinates',
the pool), follow-ups by their salesperson, applications by their applicant / from-salesperson or the
user who made them. One criterion per doctype gives both the list condition and the per-document check
(permissions/rows.py)."""

import frappe
from frappe.query_builder import Criterion

from crm_suite.permissions.rows import READ_PTYPES, condition_sql, doc_matches
from crm_suite.permissions.scope import visible_users

POOL_STATE = "Pool"


def lead_scope_criterion(user: str | None = None, table=None, ptype: str = "read"):
	"""Own and subordinates' leads; pool leads to look at only."""
	user = user or frappe.session.user
	users = visible_users(user)
	if users is None:
		return None
	table = table or frappe.qb.DocType("Sales Lead")
	parts = [table.salesperson.isin(users)]
	if ptype in READ_PTYPES:
		parts.append(table.lifecycle_state == POOL_STATE)
	return Criterion.any(parts)


def follow_up_scope_criterion(user: str | None = None, table=None, ptype: str = "read"):
	user = user or frappe.session.user
	users = visible_users(user)
	if users is None:
		return None
	table = table or frappe.qb.DocType("Follow Up Record")
	return table.salesperson.isin(users)


# Applications: the field naming the salesperson they are about, besides their maker (owner).
APPLICATION_FIELD = {
	"Claim Application": "applicant",
	"Invalid Customer Application": "applicant",
	"Customer Transfer Request": "from_salesperson",
}


def application_scope_criterion(doctype: str):
	def criterion(user: str | None = None, table=None, ptype: str = "read"):
		user = user or frappe.session.user
		users = visible_users(user)
		if users is None:
			return None
		table = table or frappe.qb.DocType(doctype)
		return table[APPLICATION_FIELD[doctype]].isin(users) | (table.owner == user)

	return criterion


def lead_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return condition_sql(lead_scope_criterion(user))


def follow_up_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return condition_sql(follow_up_scope_criterion(user))


def claim_application_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return condition_sql(application_scope_criterion("Claim Application")(user))


def invalid_application_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return condition_sql(application_scope_criterion("Invalid Customer Application")(user))


def transfer_request_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return condition_sql(application_scope_criterion("Customer Transfer Request")(user))


def lead_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
	return doc_matches(doc, lead_scope_criterion, ptype, user)


def follow_up_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
	return doc_matches(doc, follow_up_scope_criterion, ptype, user)


def application_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
	return doc_matches(doc, application_scope_criterion(doc.doctype), ptype, user)
