"""Managers' own reports (SPEC RPT-12): publish a Report Builder report or a saved variant to the team."""

import frappe

from crm_suite.services import report_publishing


@frappe.whitelist(methods=["POST"])
def publish_report(report: str, label: str | None = None) -> dict:
	return report_publishing.publish_report(report, label)
