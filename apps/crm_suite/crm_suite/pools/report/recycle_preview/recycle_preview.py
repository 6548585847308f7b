"""Dry-run recycle preview and the 'to be recycled' list (SPEC POOL-05): who would return to a pool on
a given date and why; nothing is changed.

The rows shown are those held by the people the viewer sees — the report scope (permissions/reports.py):
pool rows are never due and shared ones are not the viewer's to lose. Unlike the list scope (its DocShare OR),
that is a range of an index led by the salesperson (issue 17)."""

import frappe
from frappe import _

from crm_suite.permissions.reports import report_criterion
from crm_suite.services.recycle import preview


def execute(filters=None):
	filters = frappe._dict(filters or {})
	doctype = filters.records or "Customer Account"
	if doctype not in ("Customer Account", "Sales Lead"):
		frappe.throw(_("Choose customers or leads."))
	columns = [
		{"fieldname": "name", "label": _(doctype), "fieldtype": "Link", "options": doctype, "width": 180},
		{"fieldname": "salesperson", "label": _("Salesperson"), "fieldtype": "Link", "options": "User", "width": 180},
		{"fieldname": "customer_pool", "label": _("Pool"), "fieldtype": "Link", "options": "Customer Pool", "width": 140},
		{"fieldname": "claimed_on", "label": _("Claimed On"), "fieldtype": "Datetime", "width": 160},
		{"fieldname": "last_contact_on", "label": _("Last Contact On"), "fieldtype": "Datetime", "width": 160},
		{"fieldname": "reason", "label": _("Reason"), "fieldtype": "Data", "width": 260},
	]  # fmt: skip
	table = frappe.qb.DocType(doctype)
	scope = report_criterion(table.salesperson, {})
	data = preview(doctype, filters.on_date, filters.customer_pool, scope=scope, limit=5000)
	message = _("{0} records would be recycled on {1}.").format(len(data), filters.on_date or _("today"))
	return columns, data, message
