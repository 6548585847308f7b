# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_suite.services import receivables, sales_money


class CustomerRefund(Document):
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
		customer_payment: DF.Link | None
		naming_series: DF.Literal["TK-.YYYY.-"]
		posting_date: DF.Date
		reason: DF.SmallText
		reference_no: DF.Data | None
		refund_method: DF.Literal["", "Bank Transfer", "Cash", "Cheque", "Alipay", "WeChat Pay", "Other"]
		sales_contract: DF.Link | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
	# end: auto-generated types

	"""A refund (退款, SPEC SALE-06) of money collected on an order or a contract (or on the customer's account):
	no more than was collected and not yet refunded. The order's payment status follows; loyalty points are
	reversed by the Loyalty module's hooks on this doctype's submit and cancel."""

	def validate(self):
		sales_money.validate_refund(self)

	def on_submit(self):
		receivables.record_refund(self)

	def on_cancel(self):
		self.ignore_linked_doctypes = ("Receivable Ledger Entry",)
		receivables.cancel_money(self)
