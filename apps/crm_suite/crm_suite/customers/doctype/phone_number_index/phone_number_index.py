# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class PhoneNumberIndex(Document):
	pass


def on_doctype_update():
	frappe.db.add_index("Phone Number Index", ["reference_doctype", "reference_name"])
	# Caller ID and dedupe look a number up and take its newest rows first (CALL-02, CUS-04): the
	# composite serves both the equality and the order, so no filesort.
	frappe.db.add_index("Phone Number Index", ["phone_key", "modified"])
