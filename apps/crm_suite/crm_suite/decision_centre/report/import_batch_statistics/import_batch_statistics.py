"""Import batch statistics (SPEC RPT-09): customer import batches (CUS-08) made in a period per importer or
per day — batches, rows, imported, failed and duplicate rows, and customers assigned to a salesperson against
those left unassigned (sent to a pool). One grouped query, scoped by the importer (permissions/reports.py):
a manager sees the batches of the department subtree, admins all."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum

from crm_suite.decision_centre.reporting import DateFormat, datetime_range, full_names, period, ratio
from crm_suite.permissions.reports import where_reported

SUMS = ("total_rows", "imported_rows", "failed_rows", "duplicate_rows", "assigned_rows", "unassigned_rows")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	from_date, to_date = period(filters)
	by_day = filters.group_by == "Day"
	b = frappe.qb.DocType("Customer Import Batch")
	key = DateFormat(b.creation, "%Y-%m-%d") if by_day else b.owner
	query = (
		frappe.qb.from_(b)
		.select(key.as_("group_key"), Count("*").as_("batches"), *(Sum(b[f]).as_(f) for f in SUMS))
		.where(datetime_range(b.creation, from_date, to_date))
		.groupby(key)
		.orderby(key)
	)
	data = where_reported(query, b.owner, filters).run(as_dict=True)
	names = {} if by_day else full_names(r.group_key for r in data)
	for row in data:
		for f in SUMS:
			row[f] = int(row[f] or 0)
		row.assigned_rate = ratio(row.assigned_rows, row.assigned_rows + row.unassigned_rows)
		if by_day:
			row.day = row.group_key
		else:
			row.importer = row.group_key
			row.full_name = names.get(row.group_key) or row.group_key
	head = (
		[{"fieldname": "day", "label": _("Date"), "fieldtype": "Data", "width": 110}]
		if by_day
		else [
			{"fieldname": "importer", "label": _("Imported By"), "fieldtype": "Link", "options": "User", "width": 180},
			{"fieldname": "full_name", "label": _("Full Name"), "fieldtype": "Data", "width": 120},
		]
	)  # fmt: skip
	columns = head + [
		{"fieldname": "batches", "label": _("Batches"), "fieldtype": "Int", "width": 80},
		{"fieldname": "total_rows", "label": _("Total Rows"), "fieldtype": "Int", "width": 90},
		{"fieldname": "imported_rows", "label": _("Imported Rows"), "fieldtype": "Int", "width": 110},
		{"fieldname": "failed_rows", "label": _("Failed Rows"), "fieldtype": "Int", "width": 100},
		{"fieldname": "duplicate_rows", "label": _("Duplicate Rows"), "fieldtype": "Int", "width": 110},
		{"fieldname": "assigned_rows", "label": _("Assigned Customers"), "fieldtype": "Int", "width": 130},
		{
			"fieldname": "unassigned_rows",
			"label": _("Unassigned Customers"),
			"fieldtype": "Int",
			"width": 140,
		},
		{"fieldname": "assigned_rate", "label": _("Assigned Rate"), "fieldtype": "Percent", "width": 110},
	]
	total = {f: sum(r[f] for r in data) for f in SUMS}
	chart = {
		"data": {
			"labels": [r.day if by_day else r.full_name for r in data],
			"datasets": [
				{"name": _("Assigned Customers"), "values": [r.assigned_rows for r in data]},
				{"name": _("Unassigned Customers"), "values": [r.unassigned_rows for r in data]},
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
	}
	summary = [
		{"value": sum(r.batches for r in data), "label": _("Batches"), "datatype": "Int", "indicator": "Blue"},
		{"value": total["total_rows"], "label": _("Total Rows"), "datatype": "Int"},
		{"value": total["assigned_rows"], "label": _("Assigned Customers"), "datatype": "Int", "indicator": "Green"},
		{"value": total["unassigned_rows"], "label": _("Unassigned Customers"), "datatype": "Int", "indicator": "Orange"},
	]  # fmt: skip
	return columns, data, None, chart if data else None, summary
