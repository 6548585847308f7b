# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services import loyalty


class GiftRedemption(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amended_from: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		gift: DF.Link
		naming_series: DF.Literal["GR-.YYYY.-"]
		points: DF.Int
		qty: DF.Int
		remarks: DF.SmallText | None
		salesperson: DF.Link | None
		transaction_date: DF.Date
	# end: auto-generated types
	"""A customer's points redeemed for gifts of the catalogue (SPEC SALE-08): submitting posts the points out
	of the ledger under the balance row's lock (refused above the balance) and takes the gifts out of stock;
	cancelling gives both back once."""

	def validate(self):
		loyalty.validate_redemption(self)

	def on_submit(self):
		loyalty.redeem(self)

	def on_cancel(self):
		loyalty.cancel_redemption(self)
