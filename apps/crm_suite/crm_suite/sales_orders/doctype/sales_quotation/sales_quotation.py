# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe

from crm_suite.sales_orders.selling import SellingDocument


class SalesQuotation(SellingDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_suite.sales_orders.doctype.sales_quotation_line.sales_quotation_line import (
			SalesQuotationLine,
		)

		amended_from: DF.Link | None
		contact: DF.Link | None
		currency: DF.Link
		customer: DF.Link
		customer_name: DF.Data | None
		discount_total: DF.Currency
		floor_approved_by: DF.Link | None
		grand_total: DF.Currency
		grand_total_in_words: DF.Data | None
		gross_total: DF.Currency
		lines: DF.Table[SalesQuotationLine]
		naming_series: DF.Literal["QT-.YYYY.-"]
		net_total: DF.Currency
		opportunity: DF.Link | None
		remarks: DF.SmallText | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
		status: DF.Literal["", "Draft", "Quoted", "Ordered", "Cancelled"]
		tax_total: DF.Currency
		total_qty: DF.Float
		transaction_date: DF.Date
		valid_till: DF.Date | None
	# end: auto-generated types
	"""A quotation (报价单, SPEC SALE-04): priced lines for a customer; submitting it sends it (Quoted), and a
	quoted quotation turns into a Customer Order (services/sales_orders.py)."""

	def on_submit(self):
		self.db_set("status", "Quoted")

	def on_cancel(self):
		self.db_set("status", "Cancelled")


def on_doctype_update():
	frappe.db.add_index("Sales Quotation", ["salesperson", "transaction_date"])
