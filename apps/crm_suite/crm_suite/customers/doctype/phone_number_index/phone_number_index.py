# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class PhoneNumberIndex(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link | None
		extension: DF.Data | None
		national_number: DF.Data | None
		number_type: DF.Literal["Mobile", "Fixed Line", "Service", "Unknown"]
		phone_key: DF.Data
		raw_number: DF.Data | None
		reference_doctype: DF.Link | None
		reference_field: DF.Data | None
		reference_name: DF.DynamicLink | None
	# end: auto-generated types
	pass


def on_doctype_update():
	frappe.db.add_index("Phone Number Index", ["reference_doctype", "reference_name"])
	# Caller ID and dedupe look a number up and take its newest rows first (CALL-02, CUS-04): the
	# composite serves both the equality and the order, so no filesort.
	frappe.db.add_index("Phone Number Index", ["phone_key", "modified"])
