# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class ReceivableBalance(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		balance: DF.Currency
		balance_name: DF.DynamicLink | None
		balance_of: DF.Link | None
		collected_amount: DF.Currency
		customer: DF.Link | None
		receivable_amount: DF.Currency
		refunded_amount: DF.Currency
		salesperson: DF.Link | None
	# end: auto-generated types

	"""A customer's, order's or contract's receivable figures (SPEC SALE-06): always the sums of its ledger
	entries, moved by services/receivables.py in the posting's transaction; it exists to be locked and read."""


def on_doctype_update():
	# Receivables Ageing (RPT-08) reads the customers owing or in credit (balance <> 0) from this index alone
	# (issue 17).
	frappe.db.add_index("Receivable Balance", ["balance_of", "balance", "customer"], "balance_of_balance")
