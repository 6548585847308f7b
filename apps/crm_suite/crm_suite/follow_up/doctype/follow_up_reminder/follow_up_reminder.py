# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services.indexes import add_lasting_index


class FollowUpReminder(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link | None
		delivered_on: DF.Datetime | None
		done_on: DF.Datetime | None
		due_date: DF.Date
		is_key: DF.Check
		kind: DF.Literal[
			"Next Contact",
			"Overdue Plan",
			"To Check",
			"To Mail",
			"To Contact",
			"Shelved Review",
			"Recycle Soon",
			"Birthday",
			"Overdue Payment",
		]
		reference_doctype: DF.Link
		reference_name: DF.DynamicLink
		snoozed_until: DF.Date | None
		status: DF.Literal["Open", "Snoozed", "Done"]
		subject: DF.Data | None
		user: DF.Link
	# end: auto-generated types

	# Reminders are made by the engine (services/reminders.py) and changed through its snooze / done actions.


def on_doctype_update():
	# SPEC FUP-04: one reminder per (user, kind, reference, due date) however often the engine runs
	frappe.db.add_unique(
		"Follow Up Reminder",
		["user", "kind", "reference_doctype", "reference_name", "due_date"],
		constraint_name="reminder_key",
	)
	for fields in INDEXES:
		frappe.db.add_index("Follow Up Reminder", fields)
	add_lasting_index("Follow Up Reminder", "customer")


INDEXES = (
	# My Day's counts per kind and of key reminders (one index range per card, read from the index alone),
	# the user's list, and the managers' team counts in a run (the open key reminders of the subtree's users)
	["user", "status", "kind", "is_key"],
	# the run's delivery stamp: undelivered rows, then the rows of one run
	["delivered_on", "status"],
	# the run's settle statements: the open reminders of a kind (done ones accumulate); snoozes that ran out
	["status", "kind", "snoozed_until"],
)
# indexes the ones above replaced (patches/v1_0/reminder_indexes.py)
RETIRED_INDEXES = ("user_status_kind_index", "status_snoozed_until_index")
