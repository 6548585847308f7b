# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CollectionDailyRollup(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		currency: DF.Link | None
		due_amount: DF.Currency
		entry_count: DF.Int
		paid_amount: DF.Currency
		posting_date: DF.Date | None
		refunded_amount: DF.Currency
		sales_department: DF.Link | None
		salesperson: DF.Link | None
	# end: auto-generated types

	"""The receivable ledger's sums per day × salesperson × department × currency (SPEC RPT-08), made and kept
	only by services/collection_rollup.py; its name is the hash of that key."""


def on_doctype_update():
	# the scoped report reads a salesperson's days; the unscoped one a date range (posting_date's own index)
	frappe.db.add_index("Collection Daily Rollup", ["salesperson", "posting_date"])
