# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CustomerOwnershipLog(Document):
	pass


def on_doctype_update():
	# Log rows are never edited (done_at = creation = modified), so the list sorts by Frappe's `modified`
	# index and done_at needs no index of its own: each one costs every recycled row an insert.
	# A customer's history:
	frappe.db.add_index("Customer Ownership Log", ["customer", "done_at"])
	# Claims per day (SPEC POOL-03) count a salesperson's claims since midnight; the recycle job counts the
	# recycle rows (moved to a pool: no to_salesperson) that an interrupted run never announced.
	frappe.db.add_index("Customer Ownership Log", ["to_salesperson", "action", "done_at"])
