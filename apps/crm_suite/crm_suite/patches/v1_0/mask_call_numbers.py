"""Fill the masked copies of call-log and dial-queue numbers added with their permission level (ORG-06)."""

import frappe

from crm_suite.services.masking import DERIVED_PHONE_FIELDS, display_value, masked_field


def execute():
	for doctype, fields in DERIVED_PHONE_FIELDS.items():
		table = frappe.qb.DocType(doctype)
		for fieldname in fields:
			copy = masked_field(fieldname)
			rows = (
				frappe.qb.from_(table)
				.select(table.name, table[fieldname])
				.where(table[fieldname].isnotnull() & table[copy].isnull())
				.run()
			)
			# masking is Python (policies/phones.py): the copies go back in CASE updates of 500 rows
			frappe.db.bulk_update(
				doctype,
				{name: {copy: display_value(number)} for name, number in rows},
				chunk_size=500,
				update_modified=False,
			)
