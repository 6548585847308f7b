# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document
from frappe.utils import cint

from crm_suite.services.call_center import call_settings
from crm_suite.services.masking import set_derived_copies


class PhoneCallRecord(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		answered_on: DF.Datetime | None
		call_type: DF.Literal["Inbound", "Outbound", "Missed"]
		caller_name: DF.Data | None
		customer: DF.Link | None
		customer_name: DF.Data | None
		dial_command: DF.Link | None
		duration: DF.Int
		ended_on: DF.Datetime | None
		event_id: DF.Data | None
		is_valid_call: DF.Check
		match_type: DF.Literal["", "Exact", "Suffix", "None"]
		notes: DF.SmallText | None
		number_carrier: DF.Data | None
		number_region: DF.Data | None
		number_type: DF.Literal["", "Mobile", "Fixed Line", "Service", "Unknown", "Withheld"]
		phone_key: DF.Data | None
		phone_line: DF.Link | None
		phone_number: DF.Data | None
		phone_number_masked: DF.Data | None
		raw_event: DF.Code | None
		recording: DF.Attach | None
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		seen: DF.Check
		seen_by: DF.Link | None
		source_format: DF.Data | None
		start_time: DF.Datetime | None
		status: DF.Literal["Ringing", "Dialling", "Answered", "Ended", "Missed", "Failed"]
		user: DF.Link | None

	# end: auto-generated types
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
