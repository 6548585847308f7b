# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.policies.sms import placeholders

KNOWN_PLACEHOLDERS = frozenset({"customer_name", "contact_person", "salesperson_name"})


class SMSTemplate(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		enabled: DF.Check
		message: DF.SmallText
		template_name: DF.Data

	# end: auto-generated types
	def validate(self):
		unknown = sorted(set(placeholders(self.message)) - KNOWN_PLACEHOLDERS)
		if unknown:
			frappe.throw(
				_("Unknown placeholders: {0}").format(", ".join("{" + p + "}" for p in unknown)),
				exc=frappe.ValidationError,
				title=_("SMS Template"),
			)
