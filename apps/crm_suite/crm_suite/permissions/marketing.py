"""Row scope (SPEC ORG-03) of marketing campaigns (MKT-01): by their campaign owner — own, a manager's
department subtree, admins all — plus the campaigns shared with the user, as far as the share's right goes
(Frappe shares a campaign with a colleague it assigns a task to). One criterion gives the list condition,
has_permission and the Campaign Results report (permissions/rows.py)."""

import frappe
from frappe.query_builder import Criterion

from crm_suite.permissions.customer import SHARE_RIGHT
from crm_suite.permissions.rows import document_permission, list_condition, scope

CAMPAIGN = "Sales Campaign"


def shared_names(doctype: str, user: str, right: str) -> list[str]:
	"""Documents of `doctype` shared with `user` (or everyone) with `right`, inlined as a list (see
	permissions/sales.py: an IN-subquery under an OR scans the table)."""
	share = frappe.qb.DocType("DocShare")
	return (
		frappe.qb.from_(share)
		.select(share.share_name)
		.where(
			(share.share_doctype == doctype)
			& ((share.user == user) | (share.everyone == 1))
			& (share[right] == 1)
		)
		.run(pluck=True)
	)


@scope(CAMPAIGN)
def campaign_scope_criterion(user: str, users: list[str], table, ptype: str):
	parts = [table.campaign_owner.isin(users)]
	if (right := SHARE_RIGHT.get(ptype)) and (shared := shared_names(CAMPAIGN, user, right)):
		parts.append(table.name.isin(shared))
	return Criterion.any(parts)


campaign_query_conditions = list_condition(campaign_scope_criterion)
campaign_has_permission = document_permission(campaign_scope_criterion)
