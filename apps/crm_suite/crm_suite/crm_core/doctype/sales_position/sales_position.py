# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class SalesPosition(Document):
	def on_update(self):
		if self.has_value_changed("sales_department") or self.has_value_changed("manages_subordinates"):
			self.refresh_holders()

	def on_trash(self):
		# ORG-01: holders become unassigned rather than blocking the delete or dangling.
		staff = frappe.qb.DocType("Sales Staff")
		frappe.qb.update(staff).set(staff.sales_position, None).set(staff.sales_department, None).set(
			staff.manages_subordinates, 0
		).where(staff.sales_position == self.name).run()

	def refresh_holders(self):
		staff = frappe.qb.DocType("Sales Staff")
		frappe.qb.update(staff).set(staff.sales_department, self.sales_department).set(
			staff.manages_subordinates, self.manages_subordinates
		).where(staff.sales_position == self.name).run()
