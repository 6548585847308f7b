# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.permissions.roles import check_grantable


class SalesPosition(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_suite.crm_core.doctype.sales_position_role.sales_position_role import SalesPositionRole

		manages_subordinates: DF.Check
		position_name: DF.Data
		roles: DF.Table[SalesPositionRole]
		sales_department: DF.Link | None

	# end: auto-generated types
	def validate(self):
		# SPEC ORG-02: a position may map only roles the saving user may grant; roles already mapped
		# (by a System Manager) stay, so a CRM Admin can still rename or move the position.
		before = self.get_doc_before_save()
		kept = {row.role for row in before.roles} if before else set()
		check_grantable({row.role for row in self.roles} - kept)

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
