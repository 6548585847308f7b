"""Managers publish the reports they build without code to the team (SPEC RPT-12).

A CRM Manager builds a Report Builder report (group-by, columns, filters) on the app's doctypes with Frappe's
own Save As (`frappe.desk.reportview.save_report`, open to every Desk user and always of type Report Builder),
or saves a variant of an app report (services/report_variants.py, a Custom Report). Publishing adds it to the
*Team Reports* workspace under the Decision Centre. Frappe lets only Workspace Managers edit public
workspaces — a role that reaches every workspace of the site — so publishing goes through here instead: only
these two no-code report types, only on the app's doctypes, only reports the publisher may open, and only
into this one workspace. Who sees a published link is still decided per reader by the report's roles, and
the rows by the doctype's row scope."""

import json

import frappe
from frappe import _

from crm_suite.permissions.roles import require_roles

PUBLISH_ROLES = ("CRM Manager", "CRM Admin", "System Manager")
PUBLISHABLE_TYPES = ("Report Builder", "Custom Report")
TEAM_WORKSPACE = "Team Reports"
CARD = "Published Reports"
READER_ROLES = ("CRM Salesperson", "CRM Manager", "CRM Admin", "System Manager")


class ReportNotPublishable(frappe.ValidationError):
	pass


def app_doctype(doctype: str | None) -> bool:
	module = frappe.db.get_value("DocType", doctype, "module") if doctype else None
	return bool(module) and module in frappe.get_module_list("crm_suite")


def publish_report(report: str, label: str | None = None) -> dict:
	"""Add `report` to the Team Reports workspace (idempotent): {"workspace", "report", "label"}."""
	require_roles(*PUBLISH_ROLES)
	if not report or not isinstance(report, str) or not frappe.db.exists("Report", report):
		frappe.throw(_("Report {0} does not exist.").format(report), frappe.DoesNotExistError)
	doc = frappe.get_doc("Report", report)
	if doc.report_type not in PUBLISHABLE_TYPES or doc.is_standard == "Yes":
		frappe.throw(
			_("Only Report Builder reports and saved report variants can be published."),
			ReportNotPublishable,
			title=_("Not Publishable"),
		)
	if not doc.is_permitted():
		frappe.throw(_("You may not open Report {0}.").format(report), frappe.PermissionError)
	if not app_doctype(doc.ref_doctype):
		frappe.throw(
			_("Only reports on the CRM's own document types can be published."),
			ReportNotPublishable,
			title=_("Not Publishable"),
		)
	label = (label or report).strip()[:140] or report
	workspace = team_workspace()
	if not any(link.link_to == report for link in workspace.links if link.type == "Link"):
		workspace.append(
			"links",
			{
				"type": "Link",
				"label": label,
				"link_type": "Report",
				"link_to": report,
				"is_query_report": int(doc.report_type != "Report Builder"),
				"report_ref_doctype": doc.ref_doctype if doc.report_type == "Report Builder" else None,
			},
		)
		for link in workspace.links:
			if link.type == "Card Break" and link.label == CARD:
				link.link_count = sum(1 for row in workspace.links if row.type == "Link")
		save_workspace(workspace)
		# each reader's allowed reports are cached for hours (frappe.boot): the new link shows at once
		frappe.cache.delete_keys("user:*:has_role:Report")
	return {"workspace": workspace.name, "report": report, "label": label}


def team_workspace():
	if frappe.db.exists("Workspace", TEAM_WORKSPACE):
		return frappe.get_doc("Workspace", TEAM_WORKSPACE)
	workspace = frappe.get_doc(
		{
			"doctype": "Workspace",
			"label": TEAM_WORKSPACE,
			"title": TEAM_WORKSPACE,
			"public": 1,
			"parent_page": "Decision Centre",
			"icon": "table",
			"content": json.dumps(
				[
					{"id": "hTeam0", "type": "header", "data": {"text": f'<span class="h4"><b>{TEAM_WORKSPACE}</b></span>', "col": 12}},
					{"id": "cTeam0", "type": "card", "data": {"card_name": CARD, "col": 12}},
				]
			),
			"links": [{"type": "Card Break", "label": CARD, "link_count": 0}],
			"roles": [{"role": role} for role in READER_ROLES],
		}
	)  # fmt: skip
	save_workspace(workspace)
	return workspace


def save_workspace(workspace) -> None:
	# Workspace.validate refuses public workspaces to anyone but Workspace Managers: the checks above are
	# this path's, and they allow nothing but report links into this one workspace
	workspace.flags.ignore_validate = True
	if workspace.is_new():
		workspace.insert(ignore_permissions=True)
	else:
		workspace.save(ignore_permissions=True)
