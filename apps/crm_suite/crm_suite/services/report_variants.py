"""Saved variants of the app's reports for managers (SPEC RPT-12; issue 17, "found on today's site").

Frappe's *Save As* on a script or query report (`frappe.desk.query_report.save_report`) makes a Report of type
Custom Report: the reference report's name with the user's columns and filters as JSON — no query, no script.
Report.validate nevertheless lets only Script Managers save any report that is not a Report Builder one,
a role that would let a manager write SQL and Python for the whole site. So for the app's own reports, and
for CRM Managers and Admins, the variant is saved here: always a Custom Report, nothing in it but the
columns and filters, opened by anyone the reference report is open to (Frappe checks the reference report's
roles and the row scope when the variant runs). Everyone else gets Frappe's own path, unchanged."""

import json

import frappe
from frappe import _

from crm_suite.permissions.roles import require_roles

VARIANT_ROLES = ("CRM Manager", "CRM Admin", "System Manager")
MAX_NAME = 140


class InvalidVariant(frappe.ValidationError):
	pass


def is_app_report(report: str) -> bool:
	module = frappe.db.get_value("Report", report, "module")
	return bool(module) and module in frappe.get_module_list("crm_suite")


def _json_list_or_dict(value, what: str):
	try:
		parsed = json.loads(value) if isinstance(value, str) else value
	except ValueError:
		parsed = None
	if not isinstance(parsed, list | dict):
		frappe.throw(_("The report's {0} are not valid.").format(_(what)), InvalidVariant)
	return parsed


def save_variant(reference_report: str, report_name: str, columns, filters) -> str:
	"""Save (or, when the user saved one of that name before, update) a variant of an app report."""
	require_roles(*VARIANT_ROLES)
	report_name = (report_name or "").strip() if isinstance(report_name, str) else ""
	if not report_name or len(report_name) > MAX_NAME:
		frappe.throw(
			_("Give the saved report a name of at most {0} characters.").format(MAX_NAME), InvalidVariant
		)
	reference = frappe.get_doc("Report", reference_report)
	if reference.report_type not in ("Script Report", "Query Report") or not reference.is_permitted():
		frappe.throw(
			_("You don't have access to Report: {0}").format(_(reference_report)), frappe.PermissionError
		)
	data = json.dumps(
		{
			"columns": _json_list_or_dict(columns, "columns"),
			"filters": _json_list_or_dict(filters, "filters"),
		},
		separators=(",", ":"),
		ensure_ascii=False,
	)
	existing = frappe.db.get_value(
		"Report",
		{"report_name": report_name, "is_standard": "No", "report_type": "Custom Report"},
		["name", "owner", "reference_report"],
		as_dict=True,
	)
	if existing:
		admin = {"CRM Admin", "System Manager"} & set(frappe.get_roles())
		if existing.reference_report != reference_report or (
			existing.owner != frappe.session.user and not admin
		):
			frappe.throw(
				_("A saved report named {0} exists already; choose another name.").format(report_name),
				frappe.DuplicateEntryError,
			)
		frappe.db.set_value("Report", existing.name, "json", data)
		frappe.msgprint(_("Report updated successfully"))
		return existing.name
	variant = frappe.get_doc(
		{
			"doctype": "Report",
			"report_name": report_name,
			"report_type": "Custom Report",
			"reference_report": reference_report,
			"ref_doctype": reference.ref_doctype,
			"module": reference.module,
			"is_standard": "No",
			"json": data,
			# open to whoever may open the report it varies (Report.is_permitted on the reference)
			"roles": [{"role": row.role} for row in reference.roles],
		}
	)
	# Report.validate asks for Script Manager for any non-Report-Builder report; a Custom Report carries no
	# query and no script, and what validate does besides (module, is_standard) is set above.
	variant.flags.ignore_validate = True
	variant.insert(ignore_permissions=True)
	frappe.msgprint(_("{0} saved successfully").format(_(variant.name)))
	return variant.name
