"""Receivables per customer, order or contract (SPEC SALE-06): receivable, collected, refunded and the balance
(what is still owed; negative: a credit) read from the balance rows — always the sums of the receivable
ledger — under the ledger's row scope (ORG-03)."""

import frappe
from frappe import _
from frappe.utils import cint, flt

from crm_suite.permissions.rows import where_in_scope
from crm_suite.permissions.sales_money import MONEY_SCOPES
from crm_suite.policies import receivables as rules

BALANCE = "Receivable Balance"
KINDS = ("Customer Account", "Customer Order", "Sales Contract")
MAX_ROWS = 5000


def execute(filters=None):
	filters = frappe._dict(filters or {})
	kind = filters.balance_of if filters.balance_of in KINDS else "Customer Account"
	columns = [
		{"fieldname": "balance_name", "label": _(kind), "fieldtype": "Link", "options": kind, "width": 180},
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer Account",
			"width": 160,
		},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 200},
		{
			"fieldname": "salesperson",
			"label": _("Salesperson"),
			"fieldtype": "Link",
			"options": "User",
			"width": 160,
		},
		{
			"fieldname": "receivable_amount",
			"label": _("Receivable Amount"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{
			"fieldname": "collected_amount",
			"label": _("Collected Amount"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{
			"fieldname": "refunded_amount",
			"label": _("Refunded Amount"),
			"fieldtype": "Currency",
			"width": 120,
		},
		{"fieldname": "balance", "label": _("Balance"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "rate", "label": _("Collection Rate"), "fieldtype": "Percent", "width": 110},
	]
	table = frappe.qb.DocType(BALANCE)
	customer = frappe.qb.DocType("Customer Account")
	query = (
		frappe.qb.from_(table)
		.left_join(customer)
		.on(customer.name == table.customer)
		.select(
			table.balance_name,
			table.customer,
			customer.customer_name,
			table.salesperson,
			table.receivable_amount,
			table.collected_amount,
			table.refunded_amount,
			table.balance,
		)
		.where(table.balance_of == kind)
		.orderby(table.balance, order=frappe.qb.desc)
		.limit(MAX_ROWS)
	)
	if filters.customer:
		query = query.where(table.customer == filters.customer)
	if filters.salesperson:
		query = query.where(table.salesperson == filters.salesperson)
	if cint(filters.only_open):
		query = query.where(table.balance != 0)
	query = where_in_scope(query, MONEY_SCOPES[BALANCE](table=table))
	data = query.run(as_dict=True)
	for row in data:
		rate = rules.collection_rate(
			row.receivable_amount, flt(row.collected_amount) - flt(row.refunded_amount)
		)
		row.rate = float(rate) if rate is not None else None
	total = sum(flt(r.balance) for r in data)
	summary = [
		{
			"label": _("Balance"),
			"value": total,
			"datatype": "Currency",
			"indicator": "Red" if total > 0 else "Green",
		}
	]
	return columns, data, None, None, summary
