"""Managers' own reports (SPEC RPT-12): publish a Report Builder report or a saved variant to the team; the
follow-up and call rollups' rebuild (RPT-02, RPT-07)."""

import frappe

from crm_suite.services import report_publishing, rollup_jobs


@frappe.whitelist(methods=["POST"])
def publish_report(report: str, label: str | None = None) -> dict:
	return report_publishing.publish_report(report, label)


@frappe.whitelist(methods=["POST"])
def rebuild_activity_rollups(restart: bool = False) -> dict:
	"""Queue a rebuild of the follow-up and call rollups from the follow-ups and call logs (RPT-02, RPT-07),
	for CRM Admins: one job at a time, resuming after the months a killed run committed unless `restart`."""
	return rollup_jobs.queue_rebuild("crm_suite.services.activity_rollup.rebuild", restart)
