# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.utils.nestedset import NestedSet


class SalesDepartment(NestedSet):
	def on_trash(self):
		super().on_trash()
		# ORG-01: positions and people of a deleted department stay, unassigned.
		position = frappe.qb.DocType("Sales Position")
		frappe.qb.update(position).set(position.sales_department, None).where(
			position.sales_department == self.name
		).run()
		staff = frappe.qb.DocType("Sales Staff")
		frappe.qb.update(staff).set(staff.sales_department, None).set(staff.manages_subordinates, 0).where(
			staff.sales_department == self.name
		).run()
		customer = frappe.qb.DocType("Customer Account")
		frappe.qb.update(customer).set(customer.sales_department, None).where(
			customer.sales_department == self.name
		).run()
