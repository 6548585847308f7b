"""Row scope of customers (SPEC ORG-03): own + pool + shared for salespeople, subtree for managers."""

import frappe
from frappe.query_builder import Criterion

from crm_suite.permissions.scope import visible_users

POOL_STATE = "Pool"


def customer_scope_criterion(user: str | None = None, table=None):
	"""A frappe.qb criterion for the customers `user` may see, or None when unrestricted.

	Shared customers (DocShare) are added by Frappe itself on list paths and by has_permission on
	document paths; reports add them through `shared_customer_names`.
	"""
	users = visible_users(user)
	if users is None:
		return None
	table = table or frappe.qb.DocType("Customer Account")
	return Criterion.any([table.salesperson.isin(users), table.lifecycle_state == POOL_STATE])


def get_permission_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	users = visible_users(user)
	if users is None:
		return ""
	in_list = ", ".join(frappe.db.escape(u) for u in users)
	return (
		f"(`tabCustomer Account`.`salesperson` in ({in_list})"
		f" or `tabCustomer Account`.`lifecycle_state` = {frappe.db.escape(POOL_STATE)})"
	)


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
	if frappe.share.get_shared("Customer Account", user, rights=[ptype if ptype in ("read", "write", "share") else "read"], filters=[["share_name", "=", doc.name]]):
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
