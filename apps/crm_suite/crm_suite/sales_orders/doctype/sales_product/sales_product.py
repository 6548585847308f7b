# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt


class SalesProduct(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		category: DF.Link | None
		cost_price: DF.Currency
		default_tax_rate: DF.Percent
		description: DF.SmallText | None
		enabled: DF.Check
		floor_price: DF.Currency
		image: DF.AttachImage | None
		is_stocked: DF.Check
		list_price: DF.Currency
		model: DF.Data | None
		naming_series: DF.Literal["SP-.#####"]
		product_code: DF.Data | None
		product_name: DF.Data
		specification: DF.SmallText | None
		unit: DF.Link
	# end: auto-generated types

	"""A product (产品, SPEC SALE-07) with its model, specification, unit, list and floor prices; stocked
	products have their stock kept in the ledger (services/stock.py)."""

	def validate(self):
		self.validate_prices()

	def validate_prices(self):
		for fieldname in ("list_price", "floor_price", "cost_price"):
			if flt(self.get(fieldname)) < 0:
				frappe.throw(
					_("{0} cannot be negative.").format(_(self.meta.get_label(fieldname))),
					frappe.ValidationError,
					title=_("Invalid Price"),
				)
		if not 0 <= flt(self.default_tax_rate) <= 100:
			frappe.throw(
				_("The tax rate must be between 0 and 100%."),
				frappe.ValidationError,
				title=_("Invalid Price"),
			)
