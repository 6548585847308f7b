"""Row scope (SPEC ORG-03) of the sales pipeline (SALE-01, SALE-02, SALE-10): opportunities by their
salesperson (own, a manager's subtree) or shared with the user (DocShare, as far as the share's right goes);
stage history with its opportunity; targets by their salesperson. One criterion per doctype gives both the
list condition and the per-document check (permissions/rows.py); the sales reports apply the same ones."""

import frappe
from frappe.query_builder import Criterion

from crm_suite.permissions.customer import SHARE_RIGHT
from crm_suite.permissions.rows import document_permission, list_condition, scope

OPPORTUNITY = "Sales Opportunity"


@scope(OPPORTUNITY)
def opportunity_scope_criterion(user: str, users: list[str], table, ptype: str):
	parts = [table.salesperson.isin(users)]
	if right := SHARE_RIGHT.get(ptype):
		share = frappe.qb.DocType("DocShare")
		shared = (
			frappe.qb.from_(share)
			.select(share.share_name)
			.where(
				(share.share_doctype == OPPORTUNITY)
				& ((share.user == user) | (share.everyone == 1))
				& (share[right] == 1)
			)
		)
		parts.append(table.name.isin(shared))
	return Criterion.any(parts)


@scope("Opportunity Stage Log")
def stage_log_scope_criterion(user: str, users: list[str], table, ptype: str):
	opportunity = frappe.qb.DocType(OPPORTUNITY)
	visible = (
		frappe.qb.from_(opportunity)
		.select(opportunity.name)
		.where(opportunity_scope_criterion(user, opportunity, "read"))
	)
	return table.opportunity.isin(visible)


@scope("Sales Target")
def target_scope_criterion(user: str, users: list[str], table, ptype: str):
	return table.salesperson.isin(users)


opportunity_query_conditions = list_condition(opportunity_scope_criterion)
opportunity_has_permission = document_permission(opportunity_scope_criterion)
stage_log_query_conditions = list_condition(stage_log_scope_criterion)
stage_log_has_permission = document_permission(stage_log_scope_criterion)
target_query_conditions = list_condition(target_scope_criterion)
target_has_permission = document_permission(target_scope_criterion)
