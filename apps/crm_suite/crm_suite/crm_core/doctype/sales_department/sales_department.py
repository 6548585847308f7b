# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.utils.nestedset import NestedSet


class SalesDepartment(NestedSet):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		department_head: DF.Link | None
		department_name: DF.Data
		description: DF.SmallText | None
		is_group: DF.Check
		lft: DF.Int
		old_parent: DF.Link | None
		parent_sales_department: DF.Link | None
		required_customer_fields: DF.SmallText | None
		rgt: DF.Int

	# end: auto-generated types
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
		# the customers held per department follow (RPT-11, POOL-11): counted out and in around the UPDATE
		from crm_suite.services import holding_rollup

		customer = frappe.qb.DocType("Customer Account")
		members = (
			frappe.qb.from_(customer).select(customer.name).where(customer.sales_department == self.name)
		).run(pluck=True)
		with holding_rollup.moving(members):
			frappe.qb.update(customer).set(customer.sales_department, None).where(
				customer.sales_department == self.name
			).run()
