# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class FollowUpCustomerMonth(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link | None
		follow_up_count: DF.Int
		month: DF.Date | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
	# end: auto-generated types

	"""A customer a salesperson followed up in a month, with the follow-ups' count (SPEC RPT-02): the bookkeeping
	that tells whether a follow-up adds a customer to the month's *Follow Up Month Reach* or takes the last one
	away. Made and kept only by services/reach_rollup.py; its name is the hash of its key."""


def on_doctype_update():
	# Customer Stickiness (RPT-11) reads a month's customers in customer order with their counts, from the
	# index alone; a rebuild deletes and recounts whole months
	frappe.db.add_index("Follow Up Customer Month", ["month", "customer", "follow_up_count"])
