"""Follow-up statistics (SPEC FUP-02, RPT-02) over a period: follow-ups, visits and customers followed, per
salesperson, per department (team), per period (day, week, month, year), per hour of day (all 24 slots) or
per method; filtered by the department subtree and salesperson, within the viewer's report scope
(permissions/reports.py: the follow-up's salesperson)."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum

from crm_suite.decision_centre.reporting import BUCKETS, Hour, bucket_of, datetime_range, full_names, period
from crm_suite.permissions.reports import where_reported

GROUPS = ("Salesperson", "Department", "Period", "Hour of Day", "Method")
COUNTS = ("follow_ups", "visits", "customers")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	from_date, to_date = period(filters)
	group_by = filters.group_by if filters.group_by in GROUPS else "Salesperson"
	f = frappe.qb.DocType("Follow Up Record")
	m = frappe.qb.DocType("Follow Up Method")
	keys = {
		"Salesperson": [f.salesperson, f.sales_department],
		"Department": [f.sales_department],
		"Period": [bucket_of(f.followed_on, filters).as_("period")],
		"Hour of Day": [Hour(f.followed_on).as_("hour")],
		"Method": [f.method],
	}[group_by]
	query = (
		frappe.qb.from_(f)
		.left_join(m)
		.on(m.name == f.method)
		.select(
			*keys,
			Count("*").as_("follow_ups"),
			Sum(Case().when(m.is_visit == 1, 1).else_(0)).as_("visits"),
			Count(f.customer).distinct().as_("customers"),
		)
		.where(datetime_range(f.followed_on, from_date, to_date) & f.salesperson.isnotnull())
		.groupby(*keys)
	)
	if group_by in ("Period", "Hour of Day"):
		query = query.orderby(keys[0])
	else:
		query = query.orderby(Count("*"), order=frappe.qb.desc)
	data = where_reported(query, f.salesperson, filters).run(as_dict=True)
	for row in data:
		for k in COUNTS:
			row[k] = int(row[k] or 0)
	if group_by == "Hour of Day":
		counted = {int(r.hour): r for r in data}
		data = [counted.get(h) or frappe._dict(hour=h, **dict.fromkeys(COUNTS, 0)) for h in range(24)]
		for row in data:
			row.hour_slot = f"{row.hour:02d}:00"
	if group_by == "Salesperson":
		names = full_names(r.salesperson for r in data)
		for row in data:
			row.full_name = names.get(row.salesperson) or row.salesperson
	label_of = {
		"Salesperson": "full_name",
		"Department": "sales_department",
		"Period": "period",
		"Hour of Day": "hour_slot",
		"Method": "method",
	}[group_by]
	chart = {
		"data": {
			"labels": [r[label_of] or _("Not Set") for r in data],
			"datasets": [
				{"name": _("Follow-ups"), "values": [r.follow_ups for r in data]},
				{"name": _("Visits"), "values": [r.visits for r in data]},
			],
		},
		"type": "line" if group_by in ("Period", "Hour of Day") else "bar",
	}
	summary = [
		{
			"value": sum(r.follow_ups for r in data),
			"label": _("Follow-ups"),
			"datatype": "Int",
			"indicator": "Blue",
		},
		{"value": sum(r.visits for r in data), "label": _("Visits"), "datatype": "Int", "indicator": "Green"},
	]
	if group_by == "Hour of Day":
		busiest = max(data, key=lambda r: r.follow_ups)
		if busiest.follow_ups:
			summary.append({"value": busiest.hour_slot, "label": _("Busiest Hour"), "datatype": "Data"})
	return (
		get_columns(group_by, filters),
		data,
		None,
		chart if any(r.follow_ups for r in data) else None,
		summary,
	)


def get_columns(group_by: str, filters) -> list[dict]:
	department = {"fieldname": "sales_department", "label": _("Sales Department"), "fieldtype": "Link", "options": "Sales Department", "width": 160}  # fmt: skip
	leading = {
		"Salesperson": [
			{"fieldname": "salesperson", "label": _("Salesperson"), "fieldtype": "Link", "options": "User", "width": 200},
			department,
		],
		"Department": [department],
		"Period": [{"fieldname": "period", "label": _(filters.trend if filters.trend in BUCKETS else "Month"), "fieldtype": "Data", "width": 120}],
		"Hour of Day": [{"fieldname": "hour_slot", "label": _("Hour of Day"), "fieldtype": "Data", "width": 110}],
		"Method": [{"fieldname": "method", "label": _("Follow Up Method"), "fieldtype": "Link", "options": "Follow Up Method", "width": 150}],
	}[group_by]  # fmt: skip
	columns = leading + [
		{"fieldname": "follow_ups", "label": _("Follow-ups"), "fieldtype": "Int", "width": 110},
		{"fieldname": "visits", "label": _("Visits"), "fieldtype": "Int", "width": 100},
		{"fieldname": "customers", "label": _("Customers"), "fieldtype": "Int", "width": 110},
	]
	if group_by == "Salesperson":
		columns.append({"fieldname": "full_name", "label": _("Full Name"), "fieldtype": "Data", "width": 120})
	return columns
