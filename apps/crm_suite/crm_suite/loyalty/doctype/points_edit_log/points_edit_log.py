# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services.loyalty import refuse_manual_change


class PointsEditLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		computed_points: DF.Int
		customer_account: DF.Link | None
		customer_order: DF.Link | None
		edited_by: DF.Link | None
		edited_on: DF.Datetime | None
		new_points: DF.Int
		old_points: DF.Int
		order_line: DF.Data | None
		product: DF.Link | None
	# end: auto-generated types
	"""Audit of a hand edit of an order line's points (SPEC SALE-08): who, when, old and new value."""

	def before_insert(self):
		refuse_manual_change()

	def validate(self):
		refuse_manual_change()

	def on_trash(self):
		refuse_manual_change()
