"""Follow-up statistics (SPEC FUP-02, RPT-02) over a period: follow-ups, visits and customers followed, per
salesperson, per department (team), per period (day, week, month, year), per hour of day (all 24 slots) or
per method; filtered by the department subtree and salesperson, within the viewer's report scope
(permissions/reports.py: the follow-up's salesperson).

Follow-ups and visits are summed from the follow-up rollup (services/activity_rollup.py: a row per day ×
salesperson × department × method, the hours in 24 columns), a few rows per person and day however many
follow-ups there are. Customers followed are a distinct count, which no daily sum can give. Per salesperson
within a calendar month (the default period: this month) they come from the month reach
(services/reach_rollup.py: a row per month × salesperson × department, kept up with every follow-up), for
every salesperson with no follow-up of that month outside the period; otherwise they are counted from the
follow-ups of the period themselves, on the covering index (salesperson, followed_on, customer, method,
sales_department) — index entries only, no table rows — for the salespeople the rollup found."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, NullIf, Sum
from frappe.utils import get_first_day, get_last_day

from crm_suite.decision_centre.reporting import BUCKETS, Hour, bucket_of, datetime_range, full_names, period
from crm_suite.permissions.reports import where_reported
from crm_suite.services.activity_rollup import FOLLOW_UPS, HOURS, hour_column
from crm_suite.services.reach_rollup import REACH, days_outside

GROUPS = ("Salesperson", "Department", "Period", "Hour of Day", "Method")
COUNTS = ("follow_ups", "visits", "customers")
KEYS = {
	"Salesperson": ("salesperson", "sales_department"),
	"Department": ("sales_department",),
	"Period": ("period",),
	"Hour of Day": ("hour",),
	"Method": ("method",),
}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	from_date, to_date = period(filters)
	group_by = filters.group_by if filters.group_by in GROUPS else "Salesperson"
	data = get_data(filters, group_by, from_date, to_date)
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


def get_data(filters, group_by: str, from_date, to_date) -> list:
	"""The report's rows: counts from the rollup, customers from the period's follow-ups (index only)."""
	counted = rollup_counts(filters, group_by, from_date, to_date)
	customers = customer_counts(filters, group_by, from_date, to_date, {r.salesperson for r in counted})
	rows: dict[tuple, frappe._dict] = {}
	for r in counted:
		key = tuple(r[k] for k in KEYS[group_by])
		row = rows.setdefault(
			key, frappe._dict(zip(KEYS[group_by], key, strict=False), follow_ups=0, visits=0, customers=0)
		)
		row.follow_ups += int(r.follow_ups or 0)
		row.visits += int(r.visits or 0)
	for key, count in customers.items():
		if key in rows:
			rows[key].customers = count
	data = [r for r in rows.values() if r.follow_ups]
	if group_by == "Hour of Day":
		by_hour = {r.hour: r for r in data}
		data = [by_hour.get(h) or frappe._dict(hour=h, **dict.fromkeys(COUNTS, 0)) for h in HOURS]
		for row in data:
			row.hour_slot = f"{row.hour:02d}:00"
	elif group_by == "Period":
		data.sort(key=lambda r: r.period)
	else:
		data.sort(key=lambda r: (-r.follow_ups, *(str(r[k] or "") for k in KEYS[group_by])))
	if group_by == "Salesperson":
		names = full_names(r.salesperson for r in data)
		for row in data:
			row.full_name = names.get(row.salesperson) or row.salesperson
	return data


def rollup_counts(filters, group_by: str, from_date, to_date) -> list:
	"""Follow-ups and visits per group and salesperson, from the rollup rows of the period in scope; per hour
	of the day each rollup row gives its 24 hour columns."""
	r = frappe.qb.DocType(FOLLOW_UPS.doctype)
	m = frappe.qb.DocType("Follow Up Method")
	visit = m.is_visit == 1
	keys = {
		"Salesperson": [r.sales_department],
		"Department": [r.sales_department],
		"Period": [bucket_of(r.day, filters).as_("period")],
		"Hour of Day": [],
		"Method": [r.method],
	}[group_by]
	in_period = (r.day >= from_date) & (r.day <= to_date) & r.salesperson.isnotnull()
	if group_by != "Hour of Day":
		# grouped per method first, from the rollup's covering (salesperson, day, sales_department, method,
		# follow_up_count) index alone; the few groups are then joined to their method for the visit flag
		names = [k.alias or k.name for k in keys]
		by_method = [] if group_by == "Method" else [r.method]  # the Method grouping has it among its keys
		grouped = where_reported(
			frappe.qb.from_(r)
			.select(r.salesperson, *keys, *by_method, Sum(r.follow_up_count).as_("n"))
			.where(in_period)
			.groupby(r.salesperson, *keys, *by_method),
			r.salesperson,
			filters,
		).as_("grouped")
		columns = [grouped[k] for k in names if k != "method"]
		query = (
			frappe.qb.from_(grouped)
			.left_join(m)
			.on(m.name == grouped.method)
			.select(
				grouped.salesperson,
				*columns,
				*([grouped.method] if group_by == "Method" else []),
				Sum(grouped.n).as_("follow_ups"),
				Sum(Case().when(visit, grouped.n).else_(0)).as_("visits"),
			)
			.groupby(grouped.salesperson, *columns, *([grouped.method] if group_by == "Method" else []))
		)
		return query.run(as_dict=True)
	measures = []
	for h in HOURS:
		column = r[hour_column(h)]
		measures += [Sum(column).as_(f"f{h}"), Sum(Case().when(visit, column).else_(0)).as_(f"v{h}")]
	query = (
		frappe.qb.from_(r)
		.left_join(m)
		.on(m.name == r.method)
		.select(r.salesperson, *measures)
		.where(in_period)
		.groupby(r.salesperson)
	)
	rows = where_reported(query, r.salesperson, filters).run(as_dict=True)
	return [
		frappe._dict(salesperson=row.salesperson, hour=h, follow_ups=row[f"f{h}"], visits=row[f"v{h}"])
		for row in rows
		for h in HOURS
		if row[f"f{h}"]
	]


def customer_counts(filters, group_by: str, from_date, to_date, salespeople: set) -> dict[tuple, int]:
	"""Distinct customers followed per group: per salesperson within one calendar month from the month reach
	(services/reach_rollup.py) for everyone with no follow-up of that month outside the period, else counted
	from the period's follow-ups of `salespeople` (those the rollup found in scope) on the covering index: a
	range of index entries per salesperson."""
	salespeople = sorted(s for s in salespeople if s)
	if not salespeople:
		return {}
	out = {}
	if group_by == "Salesperson":
		out, salespeople = reach_counts(filters, from_date, to_date, salespeople)
		if not salespeople:
			return out
	f = frappe.qb.DocType(FOLLOW_UPS.source)
	keys = {
		"Salesperson": [f.salesperson, f.sales_department],
		"Department": [f.sales_department],
		"Period": [bucket_of(f.followed_on, filters).as_("period")],
		"Hour of Day": [Hour(f.followed_on).as_("hour")],
		"Method": [f.method],
	}[group_by]
	query = (
		frappe.qb.from_(f)
		.select(*keys, Count(NullIf(f.customer, "")).distinct().as_("customers"))
		.where(datetime_range(f.followed_on, from_date, to_date) & f.salesperson.isin(salespeople))
		.groupby(*keys)
	)
	# the salespeople come from the rollup in the viewer's scope; the filters narrow them the same way
	query = where_reported(query, f.salesperson, filters)
	for row in query.run(as_dict=True):
		key = tuple(_blank_to_none(row[k]) for k in KEYS[group_by])
		out[key] = out.get(key, 0) + int(row.customers or 0)
	return out


def reach_counts(filters, from_date, to_date, salespeople: list) -> tuple[dict[tuple, int], list]:
	"""Distinct customers per (salesperson, department) of a period within one calendar month, read from the
	month reach for the salespeople whose follow-ups of that month all fall in the period (the daily rollup
	tells: none on the month's other days) — then the month's count is the period's. Returns those counts and
	the salespeople left to count from the follow-ups."""
	first = get_first_day(from_date)
	if get_first_day(to_date) != first:
		return {}, salespeople
	last = get_last_day(first)
	left = set()
	if from_date > first or to_date < last:
		d = frappe.qb.DocType(FOLLOW_UPS.doctype)
		left = set(
			frappe.qb.from_(d)
			.select(d.salesperson)
			.distinct()
			.where(d.salesperson.isin(salespeople) & days_outside(d.day, from_date, to_date))
			.run(pluck=True)
		)
	exact = [s for s in salespeople if s not in left]
	out = {}
	if exact:
		r = frappe.qb.DocType(REACH)
		query = (
			frappe.qb.from_(r)
			.select(r.salesperson, r.sales_department, r.customer_count)
			.where((r.month == first) & r.salesperson.isin(exact))
		)
		for row in where_reported(query, r.salesperson, filters).run(as_dict=True):
			key = (row.salesperson, _blank_to_none(row.sales_department))
			out[key] = out.get(key, 0) + int(row.customer_count or 0)
	return out, sorted(left)


def _blank_to_none(value):
	return None if value == "" else value


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
