# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.policies.phones import PhoneNumberInvalid, normalise_phone
from crm_suite.services.masking import sync_masked_copies
from crm_suite.services.phone_index import phone_settings


class SMSOptOut(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link | None
		opted_out_on: DF.Datetime | None
		phone_key: DF.Data | None
		phone_number: DF.Data | None
		phone_number_masked: DF.Data | None
		reason: DF.SmallText | None

	# end: auto-generated types
	def validate(self):
		sync_masked_copies(self)  # a user without full-number access types the number into the copy
		self.set_phone_key()

	def set_phone_key(self):
		if not self.phone_number:
			frappe.throw(
				_("{0} is required").format(_(self.meta.get_label("phone_number_masked"))),
				frappe.MandatoryError,
				title=_("Invalid Phone Number"),
			)
		region, area = phone_settings()
		try:
			self.phone_key = normalise_phone(self.phone_number, region, area).key
		except PhoneNumberInvalid:
			frappe.throw(
				_("{0} is not a phone number.").format(self.phone_number),
				exc=frappe.ValidationError,
				title=_("Invalid Phone Number"),
			)
