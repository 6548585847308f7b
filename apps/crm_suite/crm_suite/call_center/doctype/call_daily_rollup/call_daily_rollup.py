# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CallDailyRollup(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		call_count: DF.Int
		call_type: DF.Literal["", "Inbound", "Outbound", "Missed"]
		day: DF.Date | None
		phone_line: DF.Link | None
		status: DF.Literal["", "Ringing", "Dialling", "Answered", "Ended", "Missed", "Failed"]
		talk_seconds: DF.Int
		user: DF.Link | None
		valid_count: DF.Int
	# end: auto-generated types

	"""Calls per day × user × phone line × call type × status, with valid calls and talk seconds (SPEC RPT-07),
	made and kept only by services/activity_rollup.py; its name is the hash of that key."""


def on_doctype_update():
	# the call reports read their users' days, or the days of a user's lines (the call scope, CALL-03), from the
	# index alone: Call Statistics sums every measure per type (a manager's month of 12k rows: 149 → 37 ms at 2M
	# calls, each row looked up before), the funnel and performance reports the calls; it replaces
	# (user, day, call_count, valid_count), its prefix
	frappe.db.add_index(
		"Call Daily Rollup",
		["user", "day", "call_type", "phone_line", "call_count", "valid_count", "talk_seconds"],
		"call_report_index",
	)
	if frappe.db.has_index("tabCall Daily Rollup", "user_day_call_count_valid_count_index"):
		frappe.db.commit()  # DDL commits implicitly
		frappe.db.sql_ddl(
			"alter table `tabCall Daily Rollup` drop index `user_day_call_count_valid_count_index`"
		)
	frappe.db.add_index("Call Daily Rollup", ["phone_line", "day"])
