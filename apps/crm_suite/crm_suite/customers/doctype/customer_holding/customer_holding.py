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
		lifecycle_state: DF.Data | None
		never_contacted: DF.Check
		sales_department: DF.Link | None
		salesperson: DF.Link | None
	# end: auto-generated types

	"""The customers a salesperson holds of one department, state, category and kind, contacted or not since
	claimed (SPEC RPT-11, POOL-11): made and kept only by services/holding_rollup.py; its name is the hash of its
	key."""


def on_doctype_update():
	# the reports read the rows of the salespeople in scope, from the indexes alone
	frappe.db.add_index(
		"Customer Holding", ["salesperson", "customer_category", "customer_kind", "customer_count"]
	)
	frappe.db.add_index(
		"Customer Holding",
		["salesperson", "lifecycle_state", "sales_department", "never_contacted", "customer_count"],
		"resource_warning_index",
	)
