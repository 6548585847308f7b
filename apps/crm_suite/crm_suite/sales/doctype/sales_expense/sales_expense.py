# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services import expenses


class SalesExpense(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amended_from: DF.Link | None
		amount: DF.Currency
		approved_by: DF.Link | None
		approved_on: DF.Datetime | None
		campaign: DF.Link | None
		currency: DF.Link
		customer: DF.Link | None
		customer_name: DF.Data | None
		description: DF.SmallText | None
		expense_date: DF.Date
		expense_type: DF.Link
		naming_series: DF.Literal["EXP-.YYYY.-"]
		opportunity: DF.Link | None
		receipt: DF.Attach | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
		workflow_state: DF.Link | None
	# end: auto-generated types
	"""A sales expense claim (费用, SPEC SALE-11) against a customer or an opportunity: the salesperson saves it
	(Pending), a manager approves (submits) or rejects it through the workflow "Sales Expense Approval"."""

	def validate(self):
		expenses.validate_expense(self)

	def before_submit(self):
		expenses.before_approval(self)


def on_doctype_update():
	frappe.db.add_index("Sales Expense", ["salesperson", "expense_date"])
