# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.services import sales_orders


class OrderDelivery(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_suite.sales_orders.doctype.order_delivery_line.order_delivery_line import OrderDeliveryLine

		amended_from: DF.Link | None
		customer: DF.Link | None
		customer_name: DF.Data | None
		customer_order: DF.Link
		lines: DF.Table[OrderDeliveryLine]
		naming_series: DF.Literal["DLV-.YYYY.-"]
		posting_date: DF.Date
		remarks: DF.SmallText | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
	# end: auto-generated types
	"""A delivery (发货/出库, SPEC SALE-04, SALE-07) of lines of a confirmed Customer Order: submitting it
	issues the stocked products from their warehouses and updates the order's delivered quantities and
	shipment status; cancelling it returns the stock."""

	def validate(self):
		if not self.customer_order:
			frappe.throw(
				_("Choose the order to deliver."), frappe.MandatoryError, title=_("Missing Values Required")
			)
		order = frappe.get_doc("Customer Order", self.customer_order)
		order.check_permission("read")
		sales_orders.check_order_open(order)
		self.customer = order.customer
		self.customer_name = order.customer_name
		self.salesperson = order.salesperson
		self.sales_department = order.sales_department
		if not self.get("lines"):
			frappe.throw(_("Add at least one line to deliver."), sales_orders.OverDeliveryError)
		sales_orders.check_delivery_lines(self, order)

	def on_submit(self):
		sales_orders.issue_delivery(self)

	def on_cancel(self):
		sales_orders.return_delivery(self)
