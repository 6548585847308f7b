# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services.indexes import add_lasting_index
from crm_suite.services.loyalty import refuse_manual_change


class CustomerPointsEntry(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link
		customer_order: DF.Link | None
		entry_type: DF.Literal[
			"Accrual", "Reversal", "Refund Reversal", "Redemption", "Redemption Reversal", "Expiry"
		]
		expires_on: DF.Date | None
		points: DF.Int
		posted_on: DF.Datetime | None
		voucher_no: DF.DynamicLink
		voucher_type: DF.Link
	# end: auto-generated types
	"""One row of the append-only points ledger (SPEC SALE-08), written only by services/loyalty.py: nobody
	edits or deletes it, corrections are new rows."""

	def before_insert(self):
		refuse_manual_change()

	def validate(self):
		refuse_manual_change()

	def on_trash(self):
		refuse_manual_change()


def on_doctype_update():
	frappe.db.add_index("Customer Points Entry", ["customer", "expires_on"])
	frappe.db.add_index("Customer Points Entry", ["voucher_type", "voucher_no"])
	# Customer Ranking by points (RPT-05, issue 17) groups one period's entries
	add_lasting_index("Customer Points Entry", "posted_on")
