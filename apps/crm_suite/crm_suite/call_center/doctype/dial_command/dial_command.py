# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_suite.services.masking import set_derived_copies


class DialCommand(Document):
	def validate(self):
		set_derived_copies(self)
