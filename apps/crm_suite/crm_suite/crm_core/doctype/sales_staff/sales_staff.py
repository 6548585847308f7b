# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

LANDING_WORKSPACE = "Customers"


class SalesStaff(Document):
	def validate(self):
		self.set_position_details()

	def on_update(self):
		self.grant_position_roles()
		self.set_landing_workspace()

	def grant_position_roles(self):
		"""SPEC ORG-02: a position maps to roles; its holder gets them (roles are only ever added here,
		so a role an admin gave by hand is never taken away)."""
		if not self.sales_position or not self.enabled:
			return
		roles = frappe.get_all(
			"Sales Position Role",
			filters={"parent": self.sales_position, "parenttype": "Sales Position"},
			pluck="role",
		)
		missing = set(roles) - set(frappe.get_roles(self.user))
		if missing:
			user = frappe.get_doc("User", self.user)
			user.flags.ignore_permissions = True
			user.add_roles(*sorted(missing))

	def set_landing_workspace(self):
		"""Sales staff land on the Customers workspace when they open the Desk, unless they chose another
		(Frappe's User.default_workspace; without one the Desk opens whichever workspace sorts first)."""
		if self.enabled and not frappe.db.get_value("User", self.user, "default_workspace"):
			frappe.db.set_value("User", self.user, "default_workspace", LANDING_WORKSPACE)

	def set_position_details(self):
		# Not left to fetch_from: imports (and the demo loader) skip fetching, and the row scope
		# (SPEC ORG-03) reads these two columns.
		if self.sales_position:
			self.sales_department, self.manages_subordinates = frappe.db.get_value(
				"Sales Position", self.sales_position, ["sales_department", "manages_subordinates"]
			)
		else:
			self.sales_department, self.manages_subordinates = None, 0
