"""Fill the masked copies of call-log and dial-queue numbers added with their permission level (ORG-06)."""

import frappe

from crm_suite.services.masking import DERIVED_PHONE_FIELDS, display_value, masked_field


def execute():
	for doctype, fields in DERIVED_PHONE_FIELDS.items():
		table = frappe.qb.DocType(doctype)
		for fieldname in fields:
			copy = table[masked_field(fieldname)]
			numbers = (
				frappe.qb.from_(table)
				.select(table[fieldname])
				.distinct()
				.where(table[fieldname].isnotnull() & copy.isnull())
				.run(pluck=True)
			)
			for number in numbers:  # one UPDATE per distinct number, not per row
				frappe.qb.update(table).set(copy, display_value(number)).where(
					(table[fieldname] == number) & copy.isnull()
				).run()
