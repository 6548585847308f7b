# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CustomerHolding(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer_category: DF.Link | None
		customer_count: DF.Int
		customer_kind: DF.Link | None
		salesperson: DF.Link | None
	# end: auto-generated types

	"""The customers a salesperson holds of one category and kind (SPEC RPT-11, RPT-01): made and kept only by
	services/holding_rollup.py; its name is the hash of its key."""


def on_doctype_update():
	# the reports read the rows of the salespeople in scope, from the index alone
	frappe.db.add_index(
		"Customer Holding", ["salesperson", "customer_category", "customer_kind", "customer_count"]
	)
