# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.services.call_center import clear_settings_cache


class CallCenterSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		device_rate_limit: DF.Int
		dial_command_expiry_seconds: DF.Int
		missed_after_seconds: DF.Int
		recording_retention_days: DF.Int
		sms_gateway: DF.Literal["Log Only", "Frappe SMS Settings", "Custom"]
		sms_gateway_method: DF.Data | None
		sms_signature: DF.Data | None
		suffix_fallback: DF.Check
		valid_call_seconds: DF.Int

	# end: auto-generated types
	def validate(self):
		for fieldname in ("valid_call_seconds", "missed_after_seconds", "recording_retention_days"):
			if (self.get(fieldname) or 0) < 0:
				frappe.throw(
					_("{0} cannot be negative.").format(_(self.meta.get_label(fieldname))),
					exc=frappe.ValidationError,
					title=_("Invalid Value"),
				)
		if self.sms_gateway == "Custom" and not self.sms_gateway_method:
			frappe.throw(
				_("Give the dotted path of the custom SMS gateway function."),
				exc=frappe.ValidationError,
				title=_("SMS Gateway"),
			)

	def on_update(self):
		clear_settings_cache()
