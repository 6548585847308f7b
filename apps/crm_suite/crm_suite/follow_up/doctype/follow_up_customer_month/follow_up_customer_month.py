# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services.indexes import add_lasting_index


class FollowUpCustomerMonth(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link | None
		customer_category: DF.Link | None
		customer_kind: DF.Link | None
		follow_up_count: DF.Int
		month: DF.Date | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
	# end: auto-generated types

	"""A customer a salesperson followed up in a month, with the follow-ups' count (SPEC RPT-02): the bookkeeping
	that tells whether a follow-up adds a customer to the month's *Follow Up Month Reach* or takes the last one
	away. Made and kept only by services/reach_rollup.py; its name is the hash of its key."""


def on_doctype_update():
	# Customer Stickiness (RPT-11) reads the months' rows of the people in scope per type, from the indexes alone:
	# a few people's by person; a team's per type in customer order (the distinct count streams, no sort of the
	# month's rows). A rebuild deletes and recounts whole months.
	frappe.db.add_index(
		"Follow Up Customer Month",
		["month", "salesperson", "customer_category", "customer_kind", "customer", "follow_up_count"],
		"stickiness_index",
	)
	for column in ("customer_category", "customer_kind"):
		frappe.db.add_index(
			"Follow Up Customer Month",
			["month", column, "customer", "salesperson", "follow_up_count"],
			f"stickiness_{column}_index",
		)
	# a customer's new category or kind reaches its rows (services/reach_rollup.customer_types_changed)
	add_lasting_index("Follow Up Customer Month", "customer")
	frappe.db.sql_ddl(
		"alter table `tabFollow Up Customer Month` drop index if exists month_customer_follow_up_count_index"
	)
