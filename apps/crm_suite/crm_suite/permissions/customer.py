"""Row scope of customers (SPEC ORG-03): own + pool + shared for salespeople, subtree for managers.

Each scope is one frappe.qb criterion; the list condition and the per-document check both come from it
(permissions/rows.py)."""

import frappe
from frappe.query_builder import Criterion

from crm_suite.permissions.rows import READ_PTYPES, condition_sql, doc_matches
from crm_suite.permissions.scope import visible_users

POOL_STATE = "Pool"
# Which DocShare right lets a user do `ptype` on a shared customer.
SHARE_RIGHT = {**{p: "read" for p in READ_PTYPES}, "write": "write", "share": "share"}


def customer_scope_criterion(user: str | None = None, table=None, ptype: str = "read"):
	"""A frappe.qb criterion for the customers `user` may `ptype`, or None when unrestricted.

	Own and subordinates' customers for everything; pool customers to look at only; customers shared with
	the user (Frappe DocShare, SPEC POOL-09) as far as the share's right goes.
	"""
	user = user or frappe.session.user
	users = visible_users(user)
	if users is None:
		return None
	table = table or frappe.qb.DocType("Customer Account")
	parts = [table.salesperson.isin(users)]
	if ptype in READ_PTYPES:
		parts.append(table.lifecycle_state == POOL_STATE)
	if right := SHARE_RIGHT.get(ptype):
		share = frappe.qb.DocType("DocShare")
		shared = (
			frappe.qb.from_(share)
			.select(share.share_name)
			.where(
				(share.share_doctype == "Customer Account")
				& ((share.user == user) | (share.everyone == 1))
				& (share[right] == 1)
			)
		)
		parts.append(table.name.isin(shared))
	return Criterion.any(parts)


def get_permission_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return condition_sql(customer_scope_criterion(user))


def has_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
	return doc_matches(doc, customer_scope_criterion, ptype, user)


def log_scope_criterion(user: str | None = None, table=None, ptype: str = "read"):
	"""Ownership changes (SPEC ORG-05) from or to a user whose customers `user` sees."""
	users = visible_users(user or frappe.session.user)
	if users is None:
		return None
	table = table or frappe.qb.DocType("Customer Ownership Log")
	return table.from_salesperson.isin(users) | table.to_salesperson.isin(users)


def get_log_permission_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return condition_sql(log_scope_criterion(user))


def log_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
	return doc_matches(doc, log_scope_criterion, ptype, user)
