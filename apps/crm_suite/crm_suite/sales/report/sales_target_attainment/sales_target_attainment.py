"""Monthly deal targets against deals won (SPEC SALE-10, RPT-06): planned and actual won amount and number
of deals per salesperson and month, rolled up per department. A salesperson sees their own rows, a manager
their subtree's (ORG-03: the targets' scope, applied to the won opportunities by their salesperson too)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Function, Sum
from frappe.utils import get_first_day, get_last_day, getdate

from crm_suite.permissions.rows import where_in_scope
from crm_suite.permissions.sales import target_scope_criterion


class DateFormat(Function):
	def __init__(self, date, fmt, alias=None):
		super().__init__("DATE_FORMAT", date, fmt, alias=alias)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	start = get_first_day(getdate(filters.from_month) if filters.from_month else getdate())
	end = get_last_day(getdate(filters.to_month) if filters.to_month else start)
	columns = [
		{"fieldname": "label", "label": _("Department / Salesperson"), "fieldtype": "Data", "width": 220},
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 90},
		{"fieldname": "planned_amount", "label": _("Planned Amount"), "fieldtype": "Currency", "width": 140},
		{"fieldname": "actual_amount", "label": _("Won Amount"), "fieldtype": "Currency", "width": 140},
		{"fieldname": "amount_attainment", "label": _("Amount Attainment"), "fieldtype": "Percent", "width": 130},
		{"fieldname": "planned_count", "label": _("Planned Deals"), "fieldtype": "Int", "width": 110},
		{"fieldname": "actual_count", "label": _("Won Deals"), "fieldtype": "Int", "width": 100},
		{"fieldname": "count_attainment", "label": _("Deal Attainment"), "fieldtype": "Percent", "width": 120},
	]  # fmt: skip
	rows = attainment(start, end, filters)
	data = rollup(rows)
	chart = {
		"data": {
			"labels": [r["label"] for r in data if r["indent"] == 0],
			"datasets": [
				{
					"name": _("Planned Amount"),
					"values": [r["planned_amount"] for r in data if r["indent"] == 0],
				},
				{"name": _("Won Amount"), "values": [r["actual_amount"] for r in data if r["indent"] == 0]},
			],
		},
		"type": "bar",
	}
	return columns, data, None, chart


def attainment(start, end, filters) -> dict[tuple[str, str], dict]:
	"""(salesperson, 'YYYY-MM') → planned and actual figures."""
	target = frappe.qb.DocType("Sales Target")
	planned = (
		frappe.qb.from_(target)
		.select(target.salesperson, target.target_month, target.planned_amount, target.planned_count)
		.where((target.target_month >= start) & (target.target_month <= end))
	)
	planned = where_in_scope(planned, target_scope_criterion(table=target))
	o = frappe.qb.DocType("Sales Opportunity")
	month = DateFormat(o.deal_date, "%Y-%m")
	actual = (
		frappe.qb.from_(o)
		.select(o.salesperson, month.as_("month"), Sum(o.expected_amount), Count("*"))
		.where((o.status == "Won") & (o.deal_date >= start) & (o.deal_date <= end))
		.groupby(o.salesperson, month)
	)
	actual = where_in_scope(actual, target_scope_criterion(table=o))
	if filters.salesperson:
		planned = planned.where(target.salesperson == filters.salesperson)
		actual = actual.where(o.salesperson == filters.salesperson)
	rows: dict[tuple[str, str], dict] = {}

	def row(salesperson, month_key):
		return rows.setdefault(
			(salesperson, month_key),
			{"planned_amount": 0.0, "planned_count": 0, "actual_amount": 0.0, "actual_count": 0},
		)

	for salesperson, target_month, amount, count in planned.run():
		r = row(salesperson, getdate(target_month).strftime("%Y-%m"))
		r["planned_amount"] += float(amount or 0)
		r["planned_count"] += int(count or 0)
	for salesperson, month_key, amount, count in actual.run():
		r = row(salesperson, month_key)
		r["actual_amount"] += float(amount or 0)
		r["actual_count"] += int(count or 0)
	departments = dict(
		frappe.get_all(
			"Sales Staff",
			filters={"user": ("in", list({s for s, _m in rows}) or [""])},
			fields=["user", "sales_department"],
			as_list=True,
		)
	)
	if filters.sales_department:
		rows = {k: v for k, v in rows.items() if departments.get(k[0]) == filters.sales_department}
	for (salesperson, _month), r in rows.items():
		r["department"] = departments.get(salesperson) or _("No Department")
	return rows


def _ratio(actual, planned):
	return round(100.0 * actual / planned, 1) if planned else None


def rollup(rows: dict[tuple[str, str], dict]) -> list[dict]:
	by_department: dict[str, list] = {}
	for (salesperson, month_key), r in sorted(rows.items()):
		by_department.setdefault(r["department"], []).append((salesperson, month_key, r))
	data = []
	for department, members in sorted(by_department.items()):
		total = {
			k: sum(m[2][k] for m in members)
			for k in ("planned_amount", "planned_count", "actual_amount", "actual_count")
		}
		data.append(_line(department, None, total, indent=0, row_id=department, parent=None))
		for salesperson, month_key, r in members:
			data.append(
				_line(
					salesperson,
					month_key,
					r,
					indent=1,
					row_id=f"{salesperson}:{month_key}",
					parent=department,
				)
			)
	return data


def _line(label, month_key, r, indent, row_id, parent) -> dict:
	return {
		"label": label,
		"month": month_key,
		"planned_amount": r["planned_amount"],
		"actual_amount": r["actual_amount"],
		"amount_attainment": _ratio(r["actual_amount"], r["planned_amount"]),
		"planned_count": r["planned_count"],
		"actual_count": r["actual_count"],
		"count_attainment": _ratio(r["actual_count"], r["planned_count"]),
		"indent": indent,
		"row_id": row_id,
		"parent_row": parent,
	}


def month_attainment() -> float | None:
	"""This month's won amount over planned amount (%) for what the session user sees: the workspace's number card."""
	today = getdate()
	rows = attainment(get_first_day(today), get_last_day(today), frappe._dict())
	planned = sum(r["planned_amount"] for r in rows.values())
	actual = sum(r["actual_amount"] for r in rows.values())
	return _ratio(actual, planned)
