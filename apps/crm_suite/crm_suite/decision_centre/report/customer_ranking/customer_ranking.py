"""Customer ranking (SPEC RPT-05): per customer over a period, the revenue of confirmed and completed orders,
approved expenses, points earned, follow-ups and — for managers and admins, who may read product costs —
profit and margin; ranked by the chosen measure. Every figure comes from the documents within the viewer's
report scope (permissions/reports.py: the order's, expense's and follow-up's salesperson, the points'
customer holder).

Ranked in SQL (issue 17): the ranked measure's documents of the period are grouped per customer, ordered by
the measure (then the customer) and cut at the first page (`top`, 100 by default, at most 1000); the other
figures are then read for those customers only (each source's customer index). The customers ranked are
those having the measure's documents in the period — orders for revenue and orders, expenses, points
entries, follow-ups; orders or expenses for profit and margin. The summary covers the whole period in scope,
summed without grouping per customer (the follow-ups from the follow-up rollup)."""

import frappe
from frappe import _
from frappe.query_builder import Order
from frappe.query_builder.functions import Coalesce, Count, NullIf, Sum
from frappe.query_builder.terms import ValueWrapper
from frappe.utils import cint
from pypika.terms import Field

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
DEFAULT_TOP = 100
MAX_TOP = 1000


def sees_costs() -> bool:
	return frappe.session.user == "Administrator" or bool(set(MARGIN_ROLES) & set(frappe.get_roles()))


def top_of(filters) -> int:
	top = cint(filters.top)
	return min(top, MAX_TOP) if top > 0 else DEFAULT_TOP


def execute(filters=None):
	filters = frappe._dict(filters or {})
	from_date, to_date = period(filters, default_start=frappe.utils.get_year_start(frappe.utils.getdate()))
	costs = sees_costs()
	measure = MEASURES.get(filters.rank_by) or "revenue"
	if measure in COST_MEASURES and not costs:
		measure = "revenue"  # profit needs the product costs, which only managers and admins read
	sources = Sources(filters, from_date, to_date)
	ranked = sources.ranked(measure, top_of(filters))
	figures = sources.figures(ranked, costs)
	names = customer_names(ranked)
	data = []
	for rank, customer in enumerate(ranked, 1):
		f = figures[customer]
		row = {"rank": rank, "customer": customer, "customer_name": names.get(customer) or customer, **f}
		if costs:
			row["profit"] = f["revenue"] - f["cost"] - f["expenses"]
			row["margin"] = ratio(row["profit"], f["revenue"])
		else:
			del row["cost"]
		data.append(row)
	measure_label = _(next(k for k, v in MEASURES.items() if v == measure))
	chart = {
		"data": {
			"labels": [r["customer_name"] for r in data[:10]],
			"datasets": [{"name": measure_label, "values": [r.get(measure) or 0 for r in data[:10]]}],
		},
		"type": "bar",
	}
	total = sources.totals(costs)
	summary = [
		{"value": len(data), "label": _("Customers"), "datatype": "Int"},
		{"value": total["revenue"], "label": _("Revenue"), "datatype": "Currency", "indicator": "Blue"},
		{"value": total["expenses"], "label": _("Approved Expenses"), "datatype": "Currency"},
		{"value": total["follow_ups"], "label": _("Follow-ups"), "datatype": "Int"},
	]
	if costs:
		profit = total["revenue"] - total["cost"] - total["expenses"]
		summary.append({"value": profit, "label": _("Profit"), "datatype": "Currency", "indicator": "Green"})
		summary.append(
			{"value": ratio(profit, total["revenue"]), "label": _("Margin"), "datatype": "Percent"}
		)
	return get_columns(costs), data, None, chart if data else None, summary


class Sources:
	"""The period's source documents within the viewer's report scope, as grouped queries."""

	def __init__(self, filters, from_date, to_date):
		self.filters = filters
		self.from_date, self.to_date = from_date, to_date
		self.o = frappe.qb.DocType("Customer Order")
		self.dealt = (
			(self.o.docstatus == 1)
			& self.o.status.isin(("Confirmed", "Completed"))
			& (self.o.transaction_date >= from_date)
			& (self.o.transaction_date <= to_date)
		)
		self.e = frappe.qb.DocType("Sales Expense")
		self.approved = (
			(self.e.docstatus == 1) & (self.e.expense_date >= from_date) & (self.e.expense_date <= to_date)
		)
		self.p = frappe.qb.DocType("Customer Points Entry")
		self.c = frappe.qb.DocType("Customer Account")
		self.f = frappe.qb.DocType("Follow Up Record")
		self.followed = datetime_range(self.f.followed_on, from_date, to_date)

	def scoped(self, query, salesperson_field, customer_field, customers=None):
		"""`query` within the report scope, the customer filter, and `customers` when given."""
		if self.filters.customer:
			query = query.where(customer_field == self.filters.customer)
		if customers is not None:
			query = query.where(customer_field.isin(customers or [""]))
		return where_reported(query, salesperson_field, self.filters)

	# one query per source, grouped per customer (`customers`: only those) or over the whole period (None)

	def orders(self, customers=None, per_customer=True):
		o = self.o
		query = frappe.qb.from_(o).select(Sum(o.net_total), Count("*")).where(self.dealt)
		if per_customer:
			query = query.select(o.customer).where(o.customer.isnotnull()).groupby(o.customer)
		return self.scoped(query, o.salesperson, o.customer, customers)

	def cost(self, customers=None, per_customer=True):
		o = self.o
		line = frappe.qb.DocType("Customer Order Line")
		product = frappe.qb.DocType("Sales Product")
		query = (
			frappe.qb.from_(o)
			.join(line)
			.on((line.parent == o.name) & (line.parenttype == "Customer Order"))
			.left_join(product)
			.on(product.name == line.product)
			.select(Coalesce(Sum(line.qty * product.cost_price), 0))
			.where(self.dealt)
		)
		if per_customer:
			query = query.select(o.customer).where(o.customer.isnotnull()).groupby(o.customer)
		return self.scoped(query, o.salesperson, o.customer, customers)

	def expenses(self, customers=None, per_customer=True):
		e = self.e
		query = frappe.qb.from_(e).select(Sum(e.amount)).where(self.approved)
		if per_customer:
			query = query.select(e.customer).where(e.customer.isnotnull()).groupby(e.customer)
		return self.scoped(query, e.salesperson, e.customer, customers)

	def points(self, customers=None):
		p, c = self.p, self.c
		query = (
			frappe.qb.from_(p)
			.join(c)
			.on(c.name == p.customer)
			.select(Sum(p.points), p.customer)
			.where(datetime_range(p.posted_on, self.from_date, self.to_date))
			.groupby(p.customer)
		)
		return self.scoped(query, c.salesperson, p.customer, customers)

	def follow_ups(self, customers=None, per_customer=True):
		f = self.f
		query = frappe.qb.from_(f).select(Count("*")).where(self.followed & f.customer.isnotnull())
		if per_customer:
			query = query.select(f.customer).groupby(f.customer)
		return self.scoped(query, f.salesperson, f.customer, customers)

	def follow_up_total(self) -> int:
		"""The period's follow-ups of customers in scope: the follow-up rollup's count (services/
		activity_rollup.py) less the follow-ups of no customer (leads'), instead of every follow-up row."""
		if self.filters.customer:
			((count,),) = self.follow_ups(per_customer=False).run()
			return int(count or 0)
		r = frappe.qb.DocType("Follow Up Daily Rollup")
		rolled = where_reported(
			frappe.qb.from_(r)
			.select(Sum(r.follow_up_count))
			.where((r.day >= self.from_date) & (r.day <= self.to_date)),
			r.salesperson,
			self.filters,
		)
		f = self.f
		no_customer = where_reported(
			frappe.qb.from_(f).select(Count("*")).where(f.customer.isnull() & self.followed),
			f.salesperson,
			self.filters,
		)
		((total,),) = rolled.run()
		((leads,),) = no_customer.run()
		return int(total or 0) - int(leads or 0)

	# the ranking ---------------------------------------------------------------------------------------

	def ranked(self, measure: str, top: int) -> list[str]:
		"""The first `top` customers by `measure` (descending, then by customer)."""
		if measure in ("profit", "margin"):
			return self.ranked_by_profit(measure, top)
		query, value = {
			"revenue": (self.orders, lambda q: Sum(self.o.net_total)),
			"orders": (self.orders, lambda q: Count("*")),
			"expenses": (self.expenses, lambda q: Sum(self.e.amount)),
			"points": (self.points, lambda q: Sum(self.p.points)),
			"follow_ups": (self.follow_ups, lambda q: Count("*")),
		}[measure]
		q = query()
		customer = {"expenses": self.e, "points": self.p, "follow_ups": self.f}.get(measure, self.o).customer
		q = q.orderby(value(q), order=Order.desc).orderby(customer).limit(top)
		return [row[-1] for row in q.run()]

	def ranked_by_profit(self, measure: str, top: int) -> list[str]:
		"""Profit and margin take revenue, cost and expenses per customer: the three grouped queries in one
		UNION ALL, summed per customer and ranked in SQL."""
		zero = ValueWrapper(0)
		o, e = self.o, self.e
		revenue = self.orders().select(zero, zero)  # (revenue, orders, customer, 0, 0)
		line = frappe.qb.DocType("Customer Order Line")
		product = frappe.qb.DocType("Sales Product")
		cost = self.scoped(
			frappe.qb.from_(o)
			.join(line)
			.on((line.parent == o.name) & (line.parenttype == "Customer Order"))
			.left_join(product)
			.on(product.name == line.product)
			.select(zero, zero, o.customer, Coalesce(Sum(line.qty * product.cost_price), 0), zero)
			.where(self.dealt & o.customer.isnotnull())
			.groupby(o.customer),
			o.salesperson,
			o.customer,
		)
		expenses = self.scoped(
			frappe.qb.from_(e)
			.select(zero, zero, e.customer, zero, Sum(e.amount))
			.where(self.approved & e.customer.isnotnull())
			.groupby(e.customer),
			e.salesperson,
			e.customer,
		)
		# the union's columns are named by the first part's aliases
		revenue._selects = [term.as_(f"c{i}") for i, term in enumerate(revenue._selects)]
		parts = revenue.union_all(cost).union_all(expenses).as_("parts")
		fields = [Field(f"c{i}", table=parts) for i in range(5)]
		r, _n, customer, c, x = fields
		profit = Sum(r) - Sum(c) - Sum(x)
		value = profit if measure == "profit" else Coalesce(profit * 100 / NullIf(Sum(r), 0), 0)
		query = (
			frappe.qb.from_(parts)
			.select(customer)
			.groupby(customer)
			.orderby(value, order=Order.desc)
			.orderby(customer)
			.limit(top)
		)
		return query.run(pluck=True)

	# figures of the ranked customers, and the period's totals -------------------------------------------

	def figures(self, customers: list[str], costs: bool) -> dict[str, dict]:
		figures = {
			customer: {**dict.fromkeys(AMOUNTS, 0.0), **dict.fromkeys(COUNTS, 0)} for customer in customers
		}
		if not customers:
			return figures

		def add(query, *keys):
			for *values, customer in query.run():
				row = figures[customer]
				for key, value in zip(keys, values, strict=True):
					row[key] += float(value or 0) if key in AMOUNTS else int(value or 0)

		add(self.orders(customers), "revenue", "orders")
		if costs:
			add(self.cost(customers), "cost")
		add(self.expenses(customers), "expenses")
		add(self.points(customers), "points")
		add(self.follow_ups(customers), "follow_ups")
		return figures

	def totals(self, costs: bool) -> dict[str, float]:
		"""The whole period's figures in scope, each one aggregate without a per-customer grouping."""
		((revenue, orders),) = self.orders(per_customer=False).run()
		((expenses,),) = self.expenses(per_customer=False).run()
		follow_ups = self.follow_up_total()
		total = {
			"revenue": float(revenue or 0),
			"orders": int(orders or 0),
			"expenses": float(expenses or 0),
			"follow_ups": int(follow_ups or 0),
			"cost": 0.0,
		}
		if costs:
			((cost,),) = self.cost(per_customer=False).run()
			total["cost"] = float(cost or 0)
		return total


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
