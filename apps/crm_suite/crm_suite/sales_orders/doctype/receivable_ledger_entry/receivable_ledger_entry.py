# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class ReceivableLedgerEntry(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		against_doctype: DF.Link | None
		against_name: DF.DynamicLink | None
		amount: DF.Currency
		currency: DF.Link | None
		customer: DF.Link | None
		entry_type: DF.Literal["", "Order", "Contract", "Payment", "Refund"]
		is_reversal: DF.Check
		posting_date: DF.Date | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
		voucher_no: DF.DynamicLink | None
		voucher_type: DF.Link | None
	# end: auto-generated types

	"""An append-only receivable ledger entry (SPEC SALE-06), made only by services/receivables.py."""


def on_doctype_update():
	frappe.db.add_index("Receivable Ledger Entry", ["customer", "posting_date"])
	frappe.db.add_index("Receivable Ledger Entry", ["against_doctype", "against_name"])
	frappe.db.add_index("Receivable Ledger Entry", ["voucher_type", "voucher_no"])
	# the collection-rate report reads these columns only, grouped in this order (a covering index; the customer
	# is there for the row scope of managers and salespeople)
	frappe.db.add_index(
		"Receivable Ledger Entry",
		["posting_date", "salesperson", "entry_type", "amount", "customer"],
		"receivable_collection_index",
	)
