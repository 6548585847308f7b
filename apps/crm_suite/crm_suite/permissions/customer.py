"""Row scope of customers (SPEC ORG-03): own + pool + shared for salespeople, subtree for managers."""

import frappe
from frappe.query_builder import Criterion

from crm_suite.permissions.scope import visible_users

POOL_STATE = "Pool"


def customer_scope_criterion(user: str | None = None, table=None):
	"""A frappe.qb criterion for the customers `user` may see, or None when unrestricted.

	Customers shared with the user (Frappe DocShare, SPEC POOL-09) are part of the scope.
	"""
	user = user or frappe.session.user
	users = visible_users(user)
	if users is None:
		return None
	table = table or frappe.qb.DocType("Customer Account")
	share = frappe.qb.DocType("DocShare")
	shared = (
		frappe.qb.from_(share)
		.select(share.share_name)
		.where(
			(share.share_doctype == "Customer Account")
			& ((share.user == user) | (share.everyone == 1))
			& (share.read == 1)
		)
	)
	return Criterion.any(
		[table.salesperson.isin(users), table.lifecycle_state == POOL_STATE, table.name.isin(shared)]
	)


def get_permission_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""The same scope as `customer_scope_criterion`, as the SQL text Frappe's list queries want."""
	criterion = customer_scope_criterion(user)
	if criterion is None:
		return ""
	return f"({criterion.get_sql(quote_char='`', with_namespace=True)})"


def has_permission(doc, ptype: str = "read", user: str | None = None) -> bool | None:
	user = user or frappe.session.user
	users = visible_users(user)
	if users is None:
		return True
	if doc.get("salesperson") in users:
		return True
	if doc.get("lifecycle_state") == POOL_STATE and ptype in ("read", "print"):
		return True
	if doc.is_new() and ptype == "create":
		return True
	if frappe.share.get_shared(
		"Customer Account",
		user,
		rights=[ptype if ptype in ("read", "write", "share") else "read"],
		filters=[["share_name", "=", doc.name]],
	):
		return True
	return False


def get_log_permission_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	users = visible_users(user)
	if users is None:
		return ""
	in_list = ", ".join(frappe.db.escape(u) for u in users)
	return (
		f"(`tabCustomer Ownership Log`.`from_salesperson` in ({in_list})"
		f" or `tabCustomer Ownership Log`.`to_salesperson` in ({in_list}))"
	)
