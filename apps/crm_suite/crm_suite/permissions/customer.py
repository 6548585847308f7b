"""Row scope of customers (SPEC ORG-03): own + pool + shared for salespeople, subtree for managers.

Each scope is one frappe.qb criterion; the list condition and the per-document check both come from it
(permissions/rows.py)."""

import frappe
from frappe.query_builder import Criterion

from crm_suite.permissions.rows import READ_PTYPES, document_permission, list_condition, scope

POOL_STATE = "Pool"
# Which DocShare right lets a user do `ptype` on a shared customer.
SHARE_RIGHT = {**{p: "read" for p in READ_PTYPES}, "write": "write", "share": "share"}


@scope("Customer Account")
def customer_scope_criterion(user: str, users: list[str], table, ptype: str):
	"""The customers `user` may `ptype`: own and subordinates' customers for everything; pool customers to
	look at only; customers shared with the user (Frappe DocShare, SPEC POOL-09) as far as the share's right
	goes."""
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


get_permission_query_conditions = list_condition(customer_scope_criterion)
has_permission = document_permission(customer_scope_criterion)


@scope("Customer Ownership Log")
def log_scope_criterion(user: str, users: list[str], table, ptype: str):
	"""Ownership changes (SPEC ORG-05) from or to a user whose customers `user` sees."""
	return table.from_salesperson.isin(users) | table.to_salesperson.isin(users)


get_log_permission_query_conditions = list_condition(log_scope_criterion)
log_has_permission = document_permission(log_scope_criterion)
