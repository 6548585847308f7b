"""Expense ranking (费用排行, SPEC SALE-11): sales expenses of a period summed per salesperson, customer or
expense type, largest first. Approved expenses only unless pending ones are asked for; rejected never. Scoped
(ORG-03) like the expenses themselves: a salesperson ranks what they see, a manager the subtree."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_months, getdate

from crm_suite.permissions.loyalty import expense_scope
from crm_suite.permissions.rows import where_in_scope
from crm_suite.policies.order_math import dec

GROUPS = {"Salesperson": "salesperson", "Customer": "customer", "Expense Type": "expense_type"}


class InvalidFilterError(frappe.ValidationError):
	pass


def period(filters) -> tuple:
	end = getdate(filters.to_date) if filters.to_date else getdate()
	start = getdate(filters.from_date) if filters.from_date else add_months(end, -1)
	if start > end:
		frappe.throw(_("The from date must not be after the to date."), InvalidFilterError)
	return start, end


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group = filters.group_by or "Salesperson"
	if group not in GROUPS:
		frappe.throw(_("Rank by salesperson, customer or expense type."), InvalidFilterError)
	start, end = period(filters)
	expense = frappe.qb.DocType("Sales Expense")
	key = expense[GROUPS[group]]
	states = ["Approved", "Pending"] if frappe.utils.cint(filters.include_pending) else ["Approved"]
	query = (
		frappe.qb.from_(expense)
		.select(key, Count("*"), Sum(expense.amount))
		.where(
			(expense.expense_date >= start)
			& (expense.expense_date <= end)
			& (expense.docstatus < 2)
			& expense.workflow_state.isin(states)
		)
		.groupby(key)
	)
	if filters.expense_type:
		query = query.where(expense.expense_type == filters.expense_type)
	query = where_in_scope(query, expense_scope(table=expense))
	rows = sorted(query.run(), key=lambda r: (-dec(r[2]), r[0] or ""))
	total = sum((dec(r[2]) for r in rows), dec(0))
	data = [
		{
			"rank": i,
			"key": key_value or _("Not Set"),
			"count": count,
			"amount": float(dec(amount)),
			"share": float(round(dec(amount) * 100 / total, 1)) if total else None,
		}
		for i, (key_value, count, amount) in enumerate(rows, 1)
	]
	key_type = {"Salesperson": ("Link", "User"), "Customer": ("Link", "Customer Account")}.get(
		group, ("Link", "Sales Expense Type")
	)
	columns = [
		{"fieldname": "rank", "label": _("Rank"), "fieldtype": "Int", "width": 70},
		{
			"fieldname": "key",
			"label": _(group),
			"fieldtype": key_type[0],
			"options": key_type[1],
			"width": 220,
		},
		{"fieldname": "count", "label": _("Expenses"), "fieldtype": "Int", "width": 100},
		{"fieldname": "amount", "label": _("Amount"), "fieldtype": "Currency", "width": 140},
		{"fieldname": "share", "label": _("Share"), "fieldtype": "Percent", "width": 100},
	]
	chart = {
		"data": {
			"labels": [str(r["key"]) for r in data[:10]],
			"datasets": [{"name": _("Amount"), "values": [r["amount"] for r in data[:10]]}],
		},
		"type": "bar",
	}
	summary = [{"value": float(total), "label": _("Total Expenses"), "datatype": "Currency"}]
	return columns, data, None, chart, summary
