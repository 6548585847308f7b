"""Customer ranking (SPEC RPT-05): per customer over a period, the revenue of confirmed and completed orders,
approved expenses, points earned, follow-ups and — for managers and admins, who may read product costs —
profit and margin; ranked by the chosen measure. One grouped query per source document, each limited to the
rows of the people the viewer sees (permissions/reports.py: the order's, expense's and follow-up's
salesperson, the points' customer holder)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from frappe.utils import cint

from crm_suite.decision_centre.reporting import customer_names, datetime_range, period, ratio
from crm_suite.permissions.reports import where_reported
from crm_suite.sales.report.customer_profit_margin.customer_profit_margin import MARGIN_ROLES

AMOUNTS = ("revenue", "cost", "expenses")
COUNTS = ("orders", "points", "follow_ups")
MEASURES = {
	"Revenue": "revenue",
	"Profit": "profit",
	"Margin": "margin",
	"Expenses": "expenses",
	"Points": "points",
	"Follow-ups": "follow_ups",
	"Orders": "orders",
}
COST_MEASURES = ("profit", "margin")


def sees_costs() -> bool:
	return frappe.session.user == "Administrator" or bool(set(MARGIN_ROLES) & set(frappe.get_roles()))


def execute(filters=None):
	filters = frappe._dict(filters or {})
	from_date, to_date = period(filters, default_start=frappe.utils.get_year_start(frappe.utils.getdate()))
	costs = sees_costs()
	measure = MEASURES.get(filters.rank_by) or "revenue"
	if measure in COST_MEASURES and not costs:
		measure = "revenue"  # profit needs the product costs, which only managers and admins read
	figures = customer_figures(filters, from_date, to_date, costs)
	names = customer_names(figures)
	data = []
	for customer, f in figures.items():
		row = {"customer": customer, "customer_name": names.get(customer) or customer, **f}
		if costs:
			row["profit"] = f["revenue"] - f["cost"] - f["expenses"]
			row["margin"] = ratio(row["profit"], f["revenue"])
		else:
			del row["cost"]
		data.append(row)
	data.sort(key=lambda r: (-(r.get(measure) or 0), r["customer"]))
	for i, row in enumerate(data, 1):
		row["rank"] = i
	limit = cint(filters.top)
	if limit > 0:
		data = data[:limit]
	measure_label = _(next(k for k, v in MEASURES.items() if v == measure))
	chart = {
		"data": {
			"labels": [r["customer_name"] for r in data[:10]],
			"datasets": [{"name": measure_label, "values": [r.get(measure) or 0 for r in data[:10]]}],
		},
		"type": "bar",
	}
	total = {k: sum(r.get(k) or 0 for r in data) for k in (*AMOUNTS, *COUNTS, "profit")}
	summary = [
		{"value": len(data), "label": _("Customers"), "datatype": "Int"},
		{"value": total["revenue"], "label": _("Revenue"), "datatype": "Currency", "indicator": "Blue"},
		{"value": total["expenses"], "label": _("Approved Expenses"), "datatype": "Currency"},
		{"value": total["follow_ups"], "label": _("Follow-ups"), "datatype": "Int"},
	]
	if costs:
		summary.append(
			{"value": total["profit"], "label": _("Profit"), "datatype": "Currency", "indicator": "Green"}
		)
		summary.append(
			{"value": ratio(total["profit"], total["revenue"]), "label": _("Margin"), "datatype": "Percent"}
		)
	return get_columns(costs), data, None, chart if data else None, summary


def customer_figures(filters, from_date, to_date, costs: bool) -> dict[str, dict]:
	"""customer → the period's figures, from each source document within the viewer's report scope."""
	figures: dict[str, dict] = {}

	def add(query, salesperson_field, *keys):
		for customer, *values in where_reported(query, salesperson_field, filters).run():
			if not customer:
				continue
			row = figures.setdefault(customer, {**dict.fromkeys(AMOUNTS, 0.0), **dict.fromkeys(COUNTS, 0)})
			for key, value in zip(keys, values, strict=True):
				row[key] += float(value or 0) if key in AMOUNTS else int(value or 0)

	def only_customer(query, field):
		return query.where(field == filters.customer) if filters.customer else query

	o = frappe.qb.DocType("Customer Order")
	dealt = (
		(o.docstatus == 1)
		& o.status.isin(("Confirmed", "Completed"))
		& (o.transaction_date >= from_date)
		& (o.transaction_date <= to_date)
	)
	orders = (
		frappe.qb.from_(o).select(o.customer, Sum(o.net_total), Count("*")).where(dealt).groupby(o.customer)
	)
	add(only_customer(orders, o.customer), o.salesperson, "revenue", "orders")
	if costs:
		line = frappe.qb.DocType("Customer Order Line")
		product = frappe.qb.DocType("Sales Product")
		cost = (
			frappe.qb.from_(line)
			.join(o)
			.on((o.name == line.parent) & (line.parenttype == "Customer Order"))
			.left_join(product)
			.on(product.name == line.product)
			.select(o.customer, Sum(line.qty * product.cost_price))
			.where(dealt)
			.groupby(o.customer)
		)
		add(only_customer(cost, o.customer), o.salesperson, "cost")
	e = frappe.qb.DocType("Sales Expense")
	expenses = (
		frappe.qb.from_(e)
		.select(e.customer, Sum(e.amount))
		.where((e.docstatus == 1) & (e.expense_date >= from_date) & (e.expense_date <= to_date))
		.groupby(e.customer)
	)
	add(only_customer(expenses, e.customer), e.salesperson, "expenses")
	p = frappe.qb.DocType("Customer Points Entry")
	c = frappe.qb.DocType("Customer Account")
	points = (
		frappe.qb.from_(p)
		.join(c)
		.on(c.name == p.customer)
		.select(p.customer, Sum(p.points))
		.where(datetime_range(p.posted_on, from_date, to_date))
		.groupby(p.customer)
	)
	add(only_customer(points, p.customer), c.salesperson, "points")
	f = frappe.qb.DocType("Follow Up Record")
	follow_ups = (
		frappe.qb.from_(f)
		.select(f.customer, Count("*"))
		.where(datetime_range(f.followed_on, from_date, to_date))
		.groupby(f.customer)
	)
	add(only_customer(follow_ups, f.customer), f.salesperson, "follow_ups")
	return figures


def get_columns(costs: bool) -> list[dict]:
	columns = [
		{"fieldname": "rank", "label": _("Rank"), "fieldtype": "Int", "width": 70},
		{"fieldname": "customer", "label": _("Customer"), "fieldtype": "Link", "options": "Customer Account", "width": 150},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 200},
		{"fieldname": "orders", "label": _("Orders"), "fieldtype": "Int", "width": 80},
		{"fieldname": "revenue", "label": _("Revenue"), "fieldtype": "Currency", "width": 130},
	]  # fmt: skip
	if costs:
		columns.append(
			{"fieldname": "cost", "label": _("Product Cost"), "fieldtype": "Currency", "width": 130}
		)
	columns.append(
		{"fieldname": "expenses", "label": _("Approved Expenses"), "fieldtype": "Currency", "width": 130}
	)
	if costs:
		columns += [
			{"fieldname": "profit", "label": _("Profit"), "fieldtype": "Currency", "width": 130},
			{"fieldname": "margin", "label": _("Margin"), "fieldtype": "Percent", "width": 100},
		]
	columns += [
		{"fieldname": "points", "label": _("Points"), "fieldtype": "Int", "width": 90},
		{"fieldname": "follow_ups", "label": _("Follow-ups"), "fieldtype": "Int", "width": 100},
	]
	return columns
