# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class FollowUpMonthReach(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer_count: DF.Int
		month: DF.Date | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
	# end: auto-generated types

	"""The distinct customers a salesperson followed up in a month, per department (SPEC RPT-02): what Follow
	Up Statistics shows in its *Customers* column, a row per person and month. Made and kept only by
	services/reach_rollup.py; its name is the hash of its key."""


def on_doctype_update():
	# the report reads one month of the salespeople in scope, from the index alone
	frappe.db.add_index(
		"Follow Up Month Reach", ["month", "salesperson", "sales_department", "customer_count"]
	)
