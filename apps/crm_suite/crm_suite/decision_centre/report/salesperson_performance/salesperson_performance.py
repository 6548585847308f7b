"""Salesperson performance (SPEC RPT-06) per salesperson or department over a period: intention customers
held (Following, from Customer Holding), deal customers (deal_on in the period), calls and calls per month, follow-ups, and the
month targets (Sales Target) against what was done: deal customers against planned deals, won opportunities'
amount against the planned amount. One grouped query per source document, within the viewer's report scope
(permissions/reports.py)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from frappe.utils import get_first_day, get_last_day, month_diff

from crm_suite.decision_centre.reporting import by_owner, owner_columns, per, period, ratio
from crm_suite.permissions.reports import where_reported
from crm_suite.services.activity_rollup import CALLS, FOLLOW_UPS
from crm_suite.services.holding_rollup import HOLDING

COUNTS = ("intention", "deals", "calls", "follow_ups", "planned_count", "planned_amount", "won_amount")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	from_date, to_date = period(filters)
	months = max(month_diff(to_date, from_date), 1)
	by_department = filters.group_by == "Department"
	figures = performance(filters, from_date, to_date)
	grouped = by_owner(figures, COUNTS, by_department)
	data = [
		{
			**row,
			"calls_per_month": per(row["calls"], months),
			"deal_attainment": ratio(row["deals"], row["planned_count"]),
			"amount_attainment": ratio(row["won_amount"], row["planned_amount"]),
			**owner,
		}
		for key, (owner, row) in sorted(grouped.items(), key=lambda kv: (-kv[1][1]["deals"], kv[0]))
	]
	labels = [r.get("full_name") or r["sales_department"] for r in data]
	chart = {
		"data": {
			"labels": labels,
			"datasets": [
				{"name": _("Intention Customers"), "values": [r["intention"] for r in data]},
				{"name": _("Planned Deals"), "values": [r["planned_count"] for r in data]},
				{"name": _("Deal Customers"), "values": [r["deals"] for r in data]},
			],
		},
		"type": "bar",
	}
	total = {k: sum(r[k] for r in data) for k in COUNTS}
	summary = [
		{"value": total["intention"], "label": _("Intention Customers"), "datatype": "Int", "indicator": "Blue"},
		{"value": total["deals"], "label": _("Deal Customers"), "datatype": "Int", "indicator": "Green"},
		{"value": total["calls"], "label": _("Calls"), "datatype": "Int"},
		{"value": ratio(total["deals"], total["planned_count"]), "label": _("Deal Attainment"), "datatype": "Percent"},
		{"value": ratio(total["won_amount"], total["planned_amount"]), "label": _("Amount Attainment"), "datatype": "Percent"},
	]  # fmt: skip
	return get_columns(by_department), data, None, chart if data else None, summary


def performance(filters, from_date, to_date) -> dict[str, dict]:
	"""salesperson → the period's figures."""
	figures: dict[str, dict] = {}

	def add(rows, *keys):
		for salesperson, *values in rows:
			if not salesperson:
				continue
			row = figures.setdefault(salesperson, dict.fromkeys(COUNTS, 0))
			for key, value in zip(keys, values, strict=True):
				row[key] += float(value or 0) if key.endswith("amount") else int(value or 0)

	# intention customers held now: from Customer Holding (services/holding_rollup.py), a few rows per salesperson
	# — counting them from the customers read every customer a manager's team holds (442k index entries at 1M)
	h = frappe.qb.DocType(HOLDING)
	intention = (
		frappe.qb.from_(h)
		.select(h.salesperson, Sum(h.customer_count))
		.where(h.lifecycle_state == "Following")
		.groupby(h.salesperson)
	)
	add(where_reported(intention, h.salesperson, filters).run(), "intention")
	c = frappe.qb.DocType("Customer Account")
	# deals of the period: a range of deal_report_index (deal_on, salesperson), from the index alone
	deals = (
		frappe.qb.from_(c)
		.select(c.salesperson, Count("*"))
		.where((c.deal_on >= from_date) & (c.deal_on <= to_date) & c.salesperson.isnotnull())
		.groupby(c.salesperson)
	)
	add(where_reported(deals, c.salesperson, filters).run(), "deals")
	# calls and follow-ups from their daily rollups (services/activity_rollup.py)
	call = frappe.qb.DocType(CALLS.doctype)
	calls = (
		frappe.qb.from_(call)
		.select(call.user, Sum(call.call_count))
		.where((call.day >= from_date) & (call.day <= to_date) & call.user.isnotnull())
		.groupby(call.user)
	)
	add(where_reported(calls, call.user, filters).run(), "calls")
	f = frappe.qb.DocType(FOLLOW_UPS.doctype)
	follow_ups = (
		frappe.qb.from_(f)
		.select(f.salesperson, Sum(f.follow_up_count))
		.where((f.day >= from_date) & (f.day <= to_date) & f.salesperson.isnotnull())
		.groupby(f.salesperson)
	)
	add(where_reported(follow_ups, f.salesperson, filters).run(), "follow_ups")
	t = frappe.qb.DocType("Sales Target")
	targets = (
		frappe.qb.from_(t)
		.select(t.salesperson, Sum(t.planned_count), Sum(t.planned_amount))
		.where((t.target_month >= get_first_day(from_date)) & (t.target_month <= get_last_day(to_date)))
		.groupby(t.salesperson)
	)
	add(where_reported(targets, t.salesperson, filters).run(), "planned_count", "planned_amount")
	o = frappe.qb.DocType("Sales Opportunity")
	won = (
		frappe.qb.from_(o)
		.select(o.salesperson, Sum(o.expected_amount))
		.where((o.status == "Won") & (o.deal_date >= from_date) & (o.deal_date <= to_date))
		.groupby(o.salesperson)
	)
	add(where_reported(won, o.salesperson, filters).run(), "won_amount")
	return figures


def get_columns(by_department: bool) -> list[dict]:
	return owner_columns(by_department) + [
		{"fieldname": "intention", "label": _("Intention Customers"), "fieldtype": "Int", "width": 120},
		{"fieldname": "deals", "label": _("Deal Customers"), "fieldtype": "Int", "width": 110},
		{"fieldname": "calls", "label": _("Calls"), "fieldtype": "Int", "width": 80},
		{"fieldname": "calls_per_month", "label": _("Calls per Month"), "fieldtype": "Float", "width": 110},
		{"fieldname": "follow_ups", "label": _("Follow-ups"), "fieldtype": "Int", "width": 100},
		{"fieldname": "planned_count", "label": _("Planned Deals"), "fieldtype": "Int", "width": 110},
		{"fieldname": "deal_attainment", "label": _("Deal Attainment"), "fieldtype": "Percent", "width": 120},
		{"fieldname": "planned_amount", "label": _("Planned Amount"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "won_amount", "label": _("Won Amount"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "amount_attainment", "label": _("Amount Attainment"), "fieldtype": "Percent", "width": 130},
	]  # fmt: skip
