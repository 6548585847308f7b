# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class ProductStockBalance(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		product: DF.Link
		qty: DF.Float
		warehouse: DF.Link
	# end: auto-generated types

	"""One product × warehouse: its qty is the sum of its ledger entries, kept by services/stock.py, and the
	row is what postings lock (SPEC SALE-07)."""


def on_doctype_update():
	frappe.db.add_unique(
		"Product Stock Balance", ["product", "warehouse"], constraint_name="product_warehouse"
	)
