# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_suite.sales_orders.selling import UNPRICED_FIELDS


class CustomerOrderLine(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		below_floor: DF.Check
		computed_points: DF.Int
		delivered_qty: DF.Float
		discount_percent: DF.Percent
		is_stocked: DF.Check
		line_total: DF.Currency
		model: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		points: DF.Int
		points_edited: DF.Check
		price: DF.Currency
		product: DF.Link
		product_name: DF.Data | None
		qty: DF.Float
		quotation_line: DF.Data | None
		tax_amount: DF.Currency
		tax_rate: DF.Percent
		unit: DF.Link | None
		warehouse: DF.Link | None
	# end: auto-generated types

	def __setup__(self):
		# a price or tax rate the client leaves out is the product's (selling.py); an explicit 0 stays 0
		self.dont_update_if_missing = list(UNPRICED_FIELDS)
