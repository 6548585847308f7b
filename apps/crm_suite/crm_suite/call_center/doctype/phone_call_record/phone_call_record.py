# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document
from frappe.utils import cint

from crm_suite.services.call_center import call_settings
from crm_suite.services.masking import set_derived_copies


class PhoneCallRecord(Document):
	def validate(self):
		self.set_valid_call()
		self.set_seen_by()
		set_derived_copies(self)

	def set_valid_call(self):
		self.is_valid_call = int(cint(self.duration) >= call_settings().valid_call_seconds)

	def set_seen_by(self):
		if self.seen and not self.seen_by:
			self.seen_by = frappe.session.user
		elif not self.seen:
			self.seen_by = None


def on_doctype_update():
	# Call log views filter by person or line over a period (SPEC CALL-03).
	frappe.db.add_index("Phone Call Record", ["user", "start_time"])
	frappe.db.add_index("Phone Call Record", ["phone_line", "start_time"])
