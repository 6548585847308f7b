# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class PhoneNumberIndex(Document):
	pass


def on_doctype_update():
	frappe.db.add_index("Phone Number Index", ["reference_doctype", "reference_name"])
