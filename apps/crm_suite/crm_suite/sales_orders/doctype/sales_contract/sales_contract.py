# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services import receivables, sales_money


class SalesContract(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_suite.sales_orders.doctype.sales_contract_line.sales_contract_line import SalesContractLine

		amended_from: DF.Link | None
		approved_by: DF.Link | None
		attachment: DF.Attach | None
		contract_amount: DF.Currency
		contract_amount_in_words: DF.Data | None
		contract_title: DF.Data
		currency: DF.Link
		customer: DF.Link
		customer_name: DF.Data | None
		customer_order: DF.Link | None
		customer_signer: DF.Data | None
		end_date: DF.Date
		estimated_cost: DF.Currency
		gross_margin: DF.Currency
		lines: DF.Table[SalesContractLine]
		naming_series: DF.Literal["HT-.YYYY.-"]
		needs_admin_approval: DF.Check
		opportunity: DF.Link | None
		our_signer: DF.Link | None
		renewal_notice_days: DF.Int
		renewal_notified: DF.Check
		sales_department: DF.Link | None
		salesperson: DF.Link | None
		signed_on: DF.Date | None
		start_date: DF.Date
		status: DF.Literal["", "Draft", "Pending", "Active", "Expired", "Rejected", "Cancelled"]
		terms: DF.TextEditor | None
		workflow_state: DF.Link | None
	# end: auto-generated types

	"""A sales contract (销售合同, SPEC SALE-05): parties, lines or an amount, dates, attachments. Saving puts it
	in Pending; the workflow "Sales Contract Approval" makes it effective (submitted) by a CRM Manager up to
	the threshold in CRM Suite Settings, above it by a CRM Admin. An approved contract that does not cover an
	order posts its amount to the receivables (SALE-06); cancelling it reverses that once."""

	def validate(self):
		sales_money.validate_contract(self)

	def before_submit(self):
		sales_money.check_approver(self)
		self.approved_by = frappe.session.user
		self.status = "Active"

	def on_submit(self):
		receivables.confirm_contract(self)

	def before_cancel(self):
		sales_money.check_approver(self)

	def on_cancel(self):
		# its payments stay submitted (they can be refunded); the receivable is reversed once
		self.ignore_linked_doctypes = (
			"Customer Payment",
			"Customer Refund",
			"Payment Plan",
			"Receivable Ledger Entry",
		)
		receivables.cancel_document(self)
		self.db_set("status", "Cancelled")


def on_doctype_update():
	frappe.db.add_index("Sales Contract", ["salesperson", "end_date"])
