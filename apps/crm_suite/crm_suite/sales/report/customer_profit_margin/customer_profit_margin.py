"""Customer profit and margin (利润排行, SPEC SALE-11): per customer over a period, the net total of confirmed
orders, less the products' cost (Sales Product.cost_price, permission level 1) and approved expenses; profit and
margin %, most profitable first. Managers and admins only (the cost is theirs to read); scoped (ORG-03) to
the orders and expenses they see. Money in Decimal."""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum

from crm_suite.decision_centre.reporting import customer_names
from crm_suite.permissions.loyalty import expense_scope
from crm_suite.permissions.roles import require_roles
from crm_suite.permissions.rows import where_in_scope
from crm_suite.permissions.sales_orders import SELLING_SCOPES
from crm_suite.policies.order_math import ZERO, dec
from crm_suite.sales.report.sales_expense_ranking.sales_expense_ranking import period

MARGIN_ROLES = ("CRM Manager", "CRM Admin", "System Manager")


def execute(filters=None):
	require_roles(*MARGIN_ROLES)
	filters = frappe._dict(filters or {})
	start, end = period(filters)
	figures: dict[str, dict] = {}

	def row(customer):
		return figures.setdefault(customer, {"revenue": ZERO, "cost": ZERO, "expenses": ZERO})

	order = frappe.qb.DocType("Customer Order")
	line = frappe.qb.DocType("Customer Order Line")
	product = frappe.qb.DocType("Sales Product")
	in_period = (order.docstatus == 1) & (order.transaction_date >= start) & (order.transaction_date <= end)
	if filters.customer:
		in_period &= order.customer == filters.customer
	scope = SELLING_SCOPES["Customer Order"](table=order)
	revenue = where_in_scope(
		frappe.qb.from_(order)
		.select(order.customer, Sum(order.net_total))
		.where(in_period)
		.groupby(order.customer),
		scope,
	)
	cost = where_in_scope(
		frappe.qb.from_(line)
		.join(order)
		.on((order.name == line.parent) & (line.parenttype == "Customer Order"))
		.left_join(product)
		.on(product.name == line.product)
		.select(order.customer, Sum(line.qty * product.cost_price))
		.where(in_period)
		.groupby(order.customer),
		scope,
	)
	expense = frappe.qb.DocType("Sales Expense")
	expenses = (
		frappe.qb.from_(expense)
		.select(expense.customer, Sum(expense.amount))
		.where(
			(expense.docstatus == 1)
			& (expense.expense_date >= start)
			& (expense.expense_date <= end)
			& expense.customer.isnotnull()
		)
		.groupby(expense.customer)
	)
	if filters.customer:
		expenses = expenses.where(expense.customer == filters.customer)
	expenses = where_in_scope(expenses, expense_scope(table=expense))
	for field, query in (("revenue", revenue), ("cost", cost), ("expenses", expenses)):
		for customer, amount in query.run():
			row(customer)[field] += dec(amount)
	names = customer_names(figures)
	data = []
	for customer, f in figures.items():
		profit = f["revenue"] - f["cost"] - f["expenses"]
		data.append(
			{
				"customer": customer,
				"customer_name": names.get(customer),
				"revenue": float(f["revenue"]),
				"cost": float(f["cost"]),
				"expenses": float(f["expenses"]),
				"profit": float(profit),
				"margin": float(round(profit * 100 / f["revenue"], 1)) if f["revenue"] else None,
			}
		)
	data.sort(key=lambda r: (-r["profit"], r["customer"]))
	for i, r in enumerate(data, 1):
		r["rank"] = i
	columns = [
		{"fieldname": "rank", "label": _("Rank"), "fieldtype": "Int", "width": 70},
		{"fieldname": "customer", "label": _("Customer"), "fieldtype": "Link", "options": "Customer Account", "width": 150},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 200},
		{"fieldname": "revenue", "label": _("Order Net Total"), "fieldtype": "Currency", "width": 140},
		{"fieldname": "cost", "label": _("Product Cost"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "expenses", "label": _("Approved Expenses"), "fieldtype": "Currency", "width": 140},
		{"fieldname": "profit", "label": _("Profit"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "margin", "label": _("Margin"), "fieldtype": "Percent", "width": 100},
	]  # fmt: skip
	chart = {
		"data": {
			"labels": [r["customer_name"] or r["customer"] for r in data[:10]],
			"datasets": [{"name": _("Profit"), "values": [r["profit"] for r in data[:10]]}],
		},
		"type": "bar",
	}
	return columns, data, None, chart
