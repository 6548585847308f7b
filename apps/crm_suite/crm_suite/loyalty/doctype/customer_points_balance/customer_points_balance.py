# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services.loyalty import refuse_manual_change


class CustomerPointsBalance(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link
		points: DF.Int
	# end: auto-generated types
	"""The customer's points balance (SPEC SALE-08): always the sum of their ledger; it exists to be locked
	(SELECT … FOR UPDATE) by every posting, so concurrent redemptions queue on it and never overdraw."""

	def before_insert(self):
		refuse_manual_change()

	def validate(self):
		refuse_manual_change()

	def on_trash(self):
		refuse_manual_change()
