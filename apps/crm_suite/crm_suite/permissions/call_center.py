"""Row scope of the call centre (SPEC ORG-03, ORG-06, CALL-02/03): a salesperson sees calls they took or
that rang on a line they are bound to, a manager those of their department subtree, admins all. SMS and
dial commands follow their sender. Built once with frappe.qb and reused by lists, forms and reports
(permissions/rows.py derives both Frappe hooks from each criterion)."""

import frappe
from frappe import _
from frappe.query_builder import Criterion

from crm_suite.permissions.customer import customer_scope_criterion
from crm_suite.permissions.rows import document_permission, list_condition, scope, where_in_scope
from crm_suite.permissions.scope import is_crm_desk_user

_LINES_KEY = "crm_suite:lines_of_user"


def lines_of(user: str) -> list[str]:
	"""Enabled phone lines `user` is bound to (cached; cleared when a line changes)."""
	cached = frappe.cache.hget(_LINES_KEY, user)
	if cached is not None:
		return cached
	line = frappe.qb.DocType("Phone Line")
	member = frappe.qb.DocType("Phone Line User")
	lines = (
		frappe.qb.from_(member)
		.join(line)
		.on(line.name == member.parent)
		.select(line.name)
		.distinct()
		.where((member.user == user) & (member.parenttype == "Phone Line") & (line.enabled == 1))
		.run(pluck=True)
	)
	frappe.cache.hset(_LINES_KEY, user, sorted(lines))
	return sorted(lines)


def check_call_centre_user(user: str | None = None):
	"""Dialling, SMS and the call log's actions are for Desk users with a CRM role only (SPEC CALL-04,
	CALL-06): never a Website User, a caller-ID device or Guest."""
	if not is_crm_desk_user(user or frappe.session.user):
		frappe.throw(
			_("Only CRM staff signed in to the Desk may use the call centre."),
			exc=frappe.PermissionError,
			title=_("Not Permitted"),
		)


def clear_line_cache(doc=None, method=None):
	frappe.cache.delete_value(_LINES_KEY)


def _calls_seen_by(user: str, users: list[str], table):
	"""Calls taken by a visible user, or rung on one of `user`'s lines (call logs and their rollup alike)."""
	parts = [table.user.isin(users)]
	if lines := lines_of(user):
		parts.append(table.phone_line.isin(lines))
	return Criterion.any(parts)


@scope("Phone Call Record")
def call_scope_criterion(user: str, users: list[str], table, ptype: str):
	"""The call records `user` may see: taken by a visible user, or rung on one of the user's lines."""
	return _calls_seen_by(user, users, table)


@scope("Call Daily Rollup")
def call_rollup_scope(user: str, users: list[str], table, ptype: str):
	"""The call rollup (RPT-07): the rows of the calls `user` may see (it keeps their user and line)."""
	return _calls_seen_by(user, users, table)


get_call_permission_query_conditions = list_condition(call_scope_criterion)
has_call_permission = document_permission(call_scope_criterion)
get_call_rollup_query_conditions = list_condition(call_rollup_scope)
has_call_rollup_permission = document_permission(call_rollup_scope)


# SMS and dial commands follow the user who sent / requested them.
SENDER_FIELD = {"SMS Record": "sent_by", "Dial Command": "requested_by"}


def _sender_scope(doctype: str):
	@scope(doctype)
	def criterion(user: str, users: list[str], table, ptype: str):
		return table[SENDER_FIELD[doctype]].isin(users)

	return criterion


SENDER_SCOPES = {doctype: _sender_scope(doctype) for doctype in SENDER_FIELD}
get_sms_permission_query_conditions = list_condition(SENDER_SCOPES["SMS Record"])
get_dial_permission_query_conditions = list_condition(SENDER_SCOPES["Dial Command"])
has_sender_permission = document_permission(SENDER_SCOPES)


def customer_visible(customer: str | None, user: str) -> bool:
	"""May `user` see this customer (own, subtree, pool or shared)? One indexed query."""
	if not customer:
		return False
	table = frappe.qb.DocType("Customer Account")
	query = frappe.qb.from_(table).select(table.name).where(table.name == customer)
	return bool(where_in_scope(query, customer_scope_criterion(user)).run())
