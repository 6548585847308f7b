# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class SalesExpenseType(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		description: DF.SmallText | None
		enabled: DF.Check
		type_name: DF.Data
	# end: auto-generated types
	"""A configurable kind of sales expense (SPEC SALE-11): 差旅费, 招待费, 礼品费 …"""
