"""Sales expenses (费用, SPEC SALE-11): a claim against a customer or an opportunity of a customer the
salesperson may see, with a configurable type, an amount in Decimal and attachments; approved (submitted) or
rejected by a manager through the workflow "Sales Expense Approval" (fixtures/workflow.json). Approved
expenses feed the customer's 360° view (its `customer` field), the expense ranking and the customer margin."""

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from crm_suite.policies import order_math


class InvalidExpenseError(frappe.ValidationError):
	pass


def validate_expense(doc):
	set_salesperson(doc)
	set_customer_from_opportunity(doc)
	check_access(doc)
	check_type(doc)
	check_amount(doc)


def set_salesperson(doc):
	if doc.is_new() and not doc.salesperson:
		doc.salesperson = frappe.session.user
	if doc.salesperson and (doc.is_new() or doc.has_value_changed("salesperson")):
		doc.sales_department = frappe.db.get_value("Sales Staff", doc.salesperson, "sales_department")


def set_customer_from_opportunity(doc):
	if not doc.opportunity:
		if not doc.customer:
			frappe.throw(
				_("An expense is claimed against a customer or an opportunity."),
				InvalidExpenseError,
				title=_("Customer Missing"),
			)
		return
	customer = frappe.db.get_value("Sales Opportunity", doc.opportunity, "customer")
	if doc.customer and customer != doc.customer:
		frappe.throw(
			_("Opportunity {0} belongs to another customer.").format(doc.opportunity),
			InvalidExpenseError,
			title=_("Wrong Opportunity"),
		)
	doc.customer = customer


def check_access(doc):
	"""The customer and opportunity are ones the claimant may read (SPEC ORG-03)."""
	if doc.customer and (doc.is_new() or doc.has_value_changed("customer")):
		frappe.has_permission("Customer Account", "read", doc.customer, throw=True)
	if doc.opportunity and (doc.is_new() or doc.has_value_changed("opportunity")):
		frappe.has_permission("Sales Opportunity", "read", doc.opportunity, throw=True)


def check_type(doc):
	if doc.expense_type and not cint(frappe.db.get_value("Sales Expense Type", doc.expense_type, "enabled")):
		frappe.throw(
			_("{0} is not an active expense type.").format(frappe.bold(doc.expense_type)),
			InvalidExpenseError,
			title=_("Invalid Expense Type"),
		)


def check_amount(doc):
	precision = doc.precision("amount")
	try:
		amount = order_math.round_to(doc.amount, 2 if precision is None else cint(precision))
	except ValueError:
		amount = None
	if amount is None or amount <= 0:
		frappe.throw(
			_("The amount must be greater than zero."), InvalidExpenseError, title=_("Invalid Amount")
		)
	doc.amount = float(amount)


def before_approval(doc):
	"""before_submit (the workflow's Approve): who approved it, when."""
	doc.approved_by = frappe.session.user
	doc.approved_on = now_datetime()
