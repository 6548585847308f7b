# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe

from crm_suite.sales_orders.selling import SellingDocument
from crm_suite.services import receivables, sales_orders
from crm_suite.services.indexes import add_lasting_index


class CustomerOrder(SellingDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_suite.sales_orders.doctype.customer_order_line.customer_order_line import CustomerOrderLine

		accrued_points: DF.Int
		amended_from: DF.Link | None
		campaign: DF.Link | None
		contact: DF.Link | None
		currency: DF.Link
		customer: DF.Link
		customer_name: DF.Data | None
		delivery_date: DF.Date | None
		discount_total: DF.Currency
		floor_approved_by: DF.Link | None
		grand_total: DF.Currency
		grand_total_in_words: DF.Data | None
		gross_total: DF.Currency
		lines: DF.Table[CustomerOrderLine]
		naming_series: DF.Literal["SO-.YYYY.-"]
		net_total: DF.Currency
		opportunity: DF.Link | None
		paid_amount: DF.Currency
		payment_status: DF.Literal["", "Unpaid", "Partly Paid", "Paid", "Refunded"]
		per_delivered: DF.Percent
		quotation: DF.Link | None
		remarks: DF.SmallText | None
		reversed_points: DF.Int
		sales_department: DF.Link | None
		salesperson: DF.Link | None
		shipment_status: DF.Literal["", "Not Delivered", "Partly Delivered", "Fully Delivered"]
		status: DF.Literal["", "Draft", "Confirmed", "Completed", "Cancelled"]
		tax_total: DF.Currency
		total_points: DF.Int
		total_qty: DF.Float
		transaction_date: DF.Date
		warehouse: DF.Link | None
	# end: auto-generated types
	"""A sales order (销售订单, SPEC SALE-04): confirmed by submitting it, which checks that stocked lines are
	available; deliveries issue the stock and set the shipment status; payment status is Unpaid until
	payments received (SALE-06) record against it."""

	def validate(self):
		super().validate()
		self.set_line_warehouses()
		self.set_fulfilment_defaults()

	def set_line_warehouses(self):
		default = self.warehouse or sales_orders.default_warehouse()
		self.warehouse = self.warehouse or default
		for line in self.lines:
			line.warehouse = line.warehouse or default

	def set_fulfilment_defaults(self):
		if self.docstatus == 0:
			self.shipment_status = "Not Delivered"
			self.payment_status = self.payment_status or "Unpaid"
			for line in self.lines:
				line.delivered_qty = 0

	def before_submit(self):
		super().before_submit()
		sales_orders.check_availability(self)
		self.status = "Confirmed"

	def on_submit(self):
		sales_orders.quotation_ordered(self.quotation, ordered=True)
		receivables.confirm_order(self)

	def on_cancel(self):
		sales_orders.cancel_deliveries(self)
		self.db_set("status", "Cancelled")
		sales_orders.quotation_ordered(self.quotation, ordered=False)
		# the receivable is reversed once; payments stay submitted and can be refunded (SALE-06)
		self.ignore_linked_doctypes = (
			"Customer Payment",
			"Customer Refund",
			"Payment Plan",
			"Sales Contract",
			"Receivable Ledger Entry",
		)
		receivables.cancel_document(self)


def on_doctype_update():
	frappe.db.add_index("Customer Order", ["salesperson", "transaction_date"])
	# an admin's reports over a period (Customer Ranking, Stickiness: RPT-05, RPT-11, issue 17) read its range
	add_lasting_index("Customer Order", "transaction_date")
