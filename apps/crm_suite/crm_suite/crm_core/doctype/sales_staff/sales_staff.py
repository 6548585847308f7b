# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class SalesStaff(Document):
	def validate(self):
		self.set_position_details()

	def set_position_details(self):
		# Not left to fetch_from: imports (and the demo loader) skip fetching, and the row scope
		# (SPEC ORG-03) reads these two columns.
		if self.sales_position:
			self.sales_department, self.manages_subordinates = frappe.db.get_value(
				"Sales Position", self.sales_position, ["sales_department", "manages_subordinates"]
			)
		else:
			self.sales_department, self.manages_subordinates = None, 0
