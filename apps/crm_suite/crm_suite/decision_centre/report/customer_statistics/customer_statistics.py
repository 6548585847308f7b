"""Customer statistics (SPEC RPT-01): customers created in the period by a chosen dimension — source, region,
industry, category, target flag or salesperson — split into potential (Pending), intention (Following), deal
(Deal) and other customers, with the trend of new customers by day, week, month or year. Within the viewer's
report scope (permissions/reports.py): one grouped query per day × dimension × state gives the table and the
trend, read from an index alone by source for a manager's wide scope (the covering creation index,
decision_centre/reporting.py) and by salesperson (salesperson_report)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Date
from frappe.utils import getdate

from crm_suite.decision_centre.reporting import (
	bucket_label,
	datetime_range,
	full_names,
	new_customers,
	period,
)
from crm_suite.permissions.reports import where_reported

# filter value → (column, label, link doctype)
DIMENSIONS = {
	"Source": ("customer_source", "Customer Source", "Customer Source"),
	"Region": ("province", "Region", "Customer Region"),
	"Industry": ("industry", "Industry", "Customer Industry"),
	"Category": ("customer_category", "Customer Category", "Customer Category"),
	"Target Customer": ("is_target", "Target Customer", None),
	"Salesperson": ("salesperson", "Salesperson", "User"),
}
STATES = (("potential", "Pending"), ("intention", "Following"), ("deal", "Deal"))
# dimensions read from the covering creation index for a wide scope (decision_centre/reporting.new_customers);
# by salesperson, and the trend, salesperson_report (salesperson, creation, lifecycle_state) covers the query
COVERED = ("customer_source",)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	dimension = filters.group_by if filters.group_by in DIMENSIONS else "Source"
	column, label, options = DIMENSIONS[dimension]
	from_date, to_date = period(filters)
	data, trend_rows = counted(column, filters, from_date, to_date)
	names = full_names(r.dimension for r in data) if column == "salesperson" else {}
	for row in data:
		row.other = row.customers - row.potential - row.intention - row.deal
		if column == "is_target":
			row.dimension = _("Yes") if row.dimension else _("No")
		elif column == "salesperson":
			row.salesperson = row.dimension
			row.dimension = names.get(row.dimension) or row.dimension or _("Unassigned")
		else:
			row.dimension = row.dimension or _("Not Set")
	columns = [
		{"fieldname": "dimension", "label": _(label), "fieldtype": "Data", "width": 180},
		{"fieldname": "customers", "label": _("Customers"), "fieldtype": "Int", "width": 100},
		{"fieldname": "potential", "label": _("Potential Customers"), "fieldtype": "Int", "width": 120},
		{"fieldname": "intention", "label": _("Intention Customers"), "fieldtype": "Int", "width": 120},
		{"fieldname": "deal", "label": _("Deal Customers"), "fieldtype": "Int", "width": 110},
		{"fieldname": "other", "label": _("Other Customers"), "fieldtype": "Int", "width": 110},
	]
	if column == "salesperson":
		columns.insert(0, {"fieldname": "salesperson", "label": _("Salesperson"), "fieldtype": "Link", "options": "User", "width": 180})  # fmt: skip
	chart = {
		"data": {
			"labels": [bucket for bucket, _n in trend_rows],
			"datasets": [{"name": _("New Customers"), "values": [n for _b, n in trend_rows]}],
		},
		"type": "line",
	}
	summary = [
		{"value": sum(r.customers for r in data), "label": _("New Customers"), "datatype": "Int", "indicator": "Blue"},
		{"value": sum(r.intention for r in data), "label": _("Intention Customers"), "datatype": "Int"},
		{"value": sum(r.deal for r in data), "label": _("Deal Customers"), "datatype": "Int", "indicator": "Green"},
	]  # fmt: skip
	return columns, data, None, chart if trend_rows else None, summary


def counted(column: str, filters, from_date, to_date) -> tuple[list, list]:
	"""The table (per dimension: customers and those per state, most first) and the trend ((bucket, customers) in
	order) from one pass over the period's new customers in scope, grouped per day × dimension × state: the
	table and the trend read the same index entries once, not once each."""
	c = frappe.qb.DocType("Customer Account")
	day = Date(c.creation)
	query = (
		frappe.qb.from_(c)
		.select(day.as_("day"), c[column].as_("dimension"), c.lifecycle_state, Count("*"))
		.where(datetime_range(c.creation, from_date, to_date))
		.groupby(day, c[column], c.lifecycle_state)
	)
	if column in COVERED:
		query = new_customers(query, filters)
	table: dict = {}
	per_day: dict = {}
	states = {state: key for key, state in STATES}
	for created_on, value, state, n in where_reported(query, c.salesperson, filters).run():
		row = table.get(value)
		if row is None:
			row = table[value] = frappe._dict(
				dimension=value, customers=0, **dict.fromkeys(states.values(), 0)
			)
		row.customers += n
		if state in states:
			row[states[state]] += n
		per_day[created_on] = per_day.get(created_on, 0) + n
	trend: dict[str, int] = {}
	for created_on, n in per_day.items():  # each day labelled once, not once per dimension and state
		bucket = bucket_label(getdate(created_on), filters)
		trend[bucket] = trend.get(bucket, 0) + n
	data = sorted(table.values(), key=lambda r: (-r.customers, str(r.dimension or "")))
	return data, sorted(trend.items())
