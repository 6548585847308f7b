# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services import loyalty


class PointsGift(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		description: DF.SmallText | None
		enabled: DF.Check
		gift_name: DF.Data
		image: DF.AttachImage | None
		points_cost: DF.Int
		stock_qty: DF.Int
		track_stock: DF.Check
	# end: auto-generated types
	"""A gift of the catalogue (SPEC SALE-08) that customers redeem points for; stock is optional."""

	def validate(self):
		loyalty.validate_gift(self)
