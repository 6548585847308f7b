# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services import receivables, sales_money


class CustomerPayment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amended_from: DF.Link | None
		amount: DF.Currency
		amount_in_words: DF.Data | None
		currency: DF.Link
		customer: DF.Link
		customer_name: DF.Data | None
		customer_order: DF.Link | None
		is_advance: DF.Check
		naming_series: DF.Literal["HK-.YYYY.-"]
		payment_method: DF.Literal["", "Bank Transfer", "Cash", "Cheque", "Alipay", "WeChat Pay", "Other"]
		payment_plan: DF.Link | None
		plan_instalment: DF.Data | None
		posting_date: DF.Date
		reference_no: DF.Data | None
		remarks: DF.SmallText | None
		sales_contract: DF.Link | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
	# end: auto-generated types

	"""A payment received (回款, SPEC SALE-06) against an order, a contract or a plan instalment — partial, several
	per instalment — or an explicit advance against the customer. Submitting it is refused above what is still
	receivable; cancelling it reverses it once."""

	def validate(self):
		sales_money.validate_payment(self)

	def on_submit(self):
		receivables.record_payment(self)

	def on_cancel(self):
		self.ignore_linked_doctypes = ("Customer Refund", "Receivable Ledger Entry")
		receivables.cancel_money(self)


def on_doctype_update():
	frappe.db.add_index("Customer Payment", ["salesperson", "posting_date"])
