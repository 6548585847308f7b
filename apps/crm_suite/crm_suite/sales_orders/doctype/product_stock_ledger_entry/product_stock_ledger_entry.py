# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class ProductStockLedgerEntry(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		is_reversal: DF.Check
		posted_on: DF.Datetime | None
		product: DF.Link
		qty_change: DF.Float
		voucher_line: DF.Data | None
		voucher_no: DF.DynamicLink
		voucher_type: DF.Link
		warehouse: DF.Link
	# end: auto-generated types

	"""An append-only stock ledger entry (SPEC SALE-07), made only by services/stock.py when a stock movement or
	an order delivery is submitted, and answered by an opposite entry when it is cancelled."""


def on_doctype_update():
	frappe.db.add_index("Product Stock Ledger Entry", ["product", "warehouse"])
	frappe.db.add_index("Product Stock Ledger Entry", ["voucher_type", "voucher_no"])
