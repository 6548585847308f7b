"""Row scope (SPEC ORG-03) of the sales pipeline (SALE-01, SALE-02, SALE-10): opportunities by their
salesperson (own, a manager's subtree) or shared with the user (DocShare, as far as the share's right goes);
stage history with its opportunity; targets by their salesperson. One criterion per doctype gives both the
list condition and the per-document check (permissions/rows.py); the sales reports apply the same ones."""

import frappe
from frappe.query_builder import Criterion

from crm_suite.permissions.customer import SHARE_RIGHT
from crm_suite.permissions.rows import document_permission, list_condition, scope

OPPORTUNITY = "Sales Opportunity"


def shared_opportunities(user: str, right: str) -> list[str]:
	"""Opportunities shared with `user` (or with everyone) with `right`, as names: inlined into the criterion
	as a list, so that `salesperson IN (…) OR name IN (…)` can use both indexes — an IN-subquery on DocShare
	under the OR makes MariaDB scan the whole table (200k rows for a salesperson's 400 cards)."""
	share = frappe.qb.DocType("DocShare")
	return (
		frappe.qb.from_(share)
		.select(share.share_name)
		.where(
			(share.share_doctype == OPPORTUNITY)
			& ((share.user == user) | (share.everyone == 1))
			& (share[right] == 1)
		)
		.run(pluck=True)
	)


@scope(OPPORTUNITY)
def opportunity_scope_criterion(user: str, users: list[str], table, ptype: str):
	parts = [table.salesperson.isin(users)]
	if (right := SHARE_RIGHT.get(ptype)) and (shared := shared_opportunities(user, right)):
		parts.append(table.name.isin(shared))
	return Criterion.any(parts)


@scope("Opportunity Stage Log")
def stage_log_scope_criterion(user: str, users: list[str], table, ptype: str):
	"""History rows of the opportunities the user sees: by the opportunity's salesperson, kept on each row
	(the stage service writes it; an admin's reassignment moves it with the opportunity), or shared."""
	parts = [table.salesperson.isin(users)]
	if shared := shared_opportunities(user, "read"):
		parts.append(table.opportunity.isin(shared))
	return Criterion.any(parts)


@scope("Sales Target")
def target_scope_criterion(user: str, users: list[str], table, ptype: str):
	return table.salesperson.isin(users)


opportunity_query_conditions = list_condition(opportunity_scope_criterion)
opportunity_has_permission = document_permission(opportunity_scope_criterion)
stage_log_query_conditions = list_condition(stage_log_scope_criterion)
stage_log_has_permission = document_permission(stage_log_scope_criterion)
target_query_conditions = list_condition(target_scope_criterion)
target_has_permission = document_permission(target_scope_criterion)
