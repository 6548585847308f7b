# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class FollowUpDailyRollup(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		day: DF.Date | None
		follow_up_count: DF.Int
		hour_00: DF.Int
		hour_01: DF.Int
		hour_02: DF.Int
		hour_03: DF.Int
		hour_04: DF.Int
		hour_05: DF.Int
		hour_06: DF.Int
		hour_07: DF.Int
		hour_08: DF.Int
		hour_09: DF.Int
		hour_10: DF.Int
		hour_11: DF.Int
		hour_12: DF.Int
		hour_13: DF.Int
		hour_14: DF.Int
		hour_15: DF.Int
		hour_16: DF.Int
		hour_17: DF.Int
		hour_18: DF.Int
		hour_19: DF.Int
		hour_20: DF.Int
		hour_21: DF.Int
		hour_22: DF.Int
		hour_23: DF.Int
		method: DF.Link | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
	# end: auto-generated types

	"""Follow-ups per day × salesperson × department × method, and per hour of the day (SPEC RPT-02), made and
	kept only by services/activity_rollup.py; its name is the hash of that key."""


def on_doctype_update():
	# the scoped reports read their salespeople's days, the cards sum them from the index alone; the unscoped
	# ones read a date range (day's own index)
	# Follow Up Statistics groups a team's month per person, department and method from this index alone
	# (issue 17: half the time of reading the rows for a manager of 200)
	frappe.db.add_index(
		"Follow Up Daily Rollup",
		["salesperson", "day", "sales_department", "method", "follow_up_count"],
		"salesperson_report_index",
	)
	frappe.db.sql_ddl(
		"alter table `tabFollow Up Daily Rollup` drop index if exists salesperson_day_follow_up_count_index"
	)
