"""Marketing endpoints (SPEC MKT-01): a campaign's live results for its form."""

import frappe
from frappe import _

from crm_suite.permissions.roles import STAFF_ROLES, require_roles
from crm_suite.services.inputs import _invalid
from crm_suite.services.marketing import CAMPAIGN, campaign_summary


@frappe.whitelist(methods=["GET"])
def campaign_results(campaign: str | None = None) -> dict:
	"""Results, goal attainment, budget use and tasks of a campaign the user may read."""
	require_roles(*STAFF_ROLES)
	if not isinstance(campaign, str) or not campaign:
		_invalid("campaign")
	if not frappe.db.exists(CAMPAIGN, campaign):
		frappe.throw(_("{0} {1} not found").format(_(CAMPAIGN), campaign), frappe.DoesNotExistError)
	frappe.has_permission(CAMPAIGN, "read", campaign, throw=True)
	return campaign_summary(campaign)
