# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.permissions.scope import sees_everything
from crm_suite.policies.reminders import PreferenceInvalid, check_preference


class ReminderPreferenceInvalid(frappe.ValidationError):
	pass


class ReminderPreference(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		channel: DF.Literal["In App", "Email Digest", "None"]
		digest_hour: DF.Int
		enabled: DF.Check
		key_only: DF.Check
		remind_birthday: DF.Check
		remind_next_contact: DF.Check
		remind_overdue_payment: DF.Check
		remind_overdue_plan: DF.Check
		remind_pending_marks: DF.Check
		remind_recycle_soon: DF.Check
		remind_shelved_review: DF.Check
		user: DF.Link
	# end: auto-generated types

	def before_validate(self):
		self.user = self.user or frappe.session.user

	def validate(self):
		self.validate_owner()
		self.validate_delivery()

	def validate_owner(self):
		"""Each user sets their own reminders; admins anyone's."""
		if self.user != frappe.session.user and not sees_everything(frappe.session.user):
			frappe.throw(
				_("You may set only your own reminder preferences."),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)

	def validate_delivery(self):
		try:
			check_preference(self.channel, self.digest_hour)
		except PreferenceInvalid:
			frappe.throw(
				_("Choose a delivery of In App, Email Digest or None and a digest hour from 0 to 23."),
				ReminderPreferenceInvalid,
				title=_("Invalid Input"),
			)
