# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.permissions.roles import check_grantable

LANDING_WORKSPACE = "Customers"
# a salesperson starts the day from their reminder queue (SPEC FUP-04, issue 16)
SALESPERSON_LANDING_WORKSPACE = "My Day"
SALESPERSON_ROLE = "CRM Salesperson"


def landing_workspace(user: str) -> str:
	"""Where a member of the sales staff opens the Desk: salespeople on My Day, the others on Customers."""
	return SALESPERSON_LANDING_WORKSPACE if SALESPERSON_ROLE in frappe.get_roles(user) else LANDING_WORKSPACE


class SalesStaff(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		enabled: DF.Check
		full_name: DF.Data | None
		manages_subordinates: DF.Check
		sales_department: DF.Link | None
		sales_position: DF.Link | None
		user: DF.Link

	# end: auto-generated types
	def validate(self):
		self.set_position_details()
		# SPEC ORG-02: checked before the row is written; a position a System Manager mapped to high
		# roles grants nothing through a CRM Admin's save. on_update grants what was checked here.
		self.flags.roles_to_grant = self.roles_to_grant()
		check_grantable(self.flags.roles_to_grant)

	def on_update(self):
		self.grant_position_roles()
		self.set_landing_workspace()

	def grant_position_roles(self):
		"""SPEC ORG-02: a position maps to roles; its holder gets them (roles are only ever added here,
		so a role an admin gave by hand is never taken away)."""
		missing = self.flags.roles_to_grant
		if missing is None:  # on_update run without validate
			missing = self.roles_to_grant()
			check_grantable(missing)
		if missing:
			user = frappe.get_doc("User", self.user)
			user.flags.ignore_permissions = True
			user.add_roles(*sorted(missing))

	def roles_to_grant(self) -> set[str]:
		"""The position's roles the holder lacks."""
		if not self.sales_position or not self.enabled or not self.user:
			return set()
		roles = frappe.get_all(
			"Sales Position Role",
			filters={"parent": self.sales_position, "parenttype": "Sales Position"},
			pluck="role",
		)
		return set(roles) - set(frappe.get_roles(self.user))

	def set_landing_workspace(self):
		"""Sales staff land on their workspace when they open the Desk — salespeople on My Day, managers and
		admins on Customers — unless they chose another (Frappe's User.default_workspace, which the login
		answers as the home page; without one the Desk opens whichever workspace sorts first)."""
		if self.enabled and not frappe.db.get_value("User", self.user, "default_workspace"):
			frappe.db.set_value("User", self.user, "default_workspace", landing_workspace(self.user))

	def set_position_details(self):
		# Not left to fetch_from: imports (and the demo loader) skip fetching, and the row scope
		# (SPEC ORG-03) reads these two columns.
		if self.sales_position:
			self.sales_department, self.manages_subordinates = frappe.db.get_value(
				"Sales Position", self.sales_position, ["sales_department", "manages_subordinates"]
			)
		else:
			self.sales_department, self.manages_subordinates = None, 0
