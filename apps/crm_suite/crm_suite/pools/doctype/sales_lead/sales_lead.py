# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services.masking import sync_masked_copies
from crm_suite.services.ownership import log_ownership_changes
from crm_suite.services.pool import default_pool, guard_ownership_fields


class SalesLead(Document):
	"""A lead (线索, SPEC POOL-12): the same pool mechanics as customers, in lead pools."""

	def validate(self):
		self.set_ownership_defaults()
		self.guard_ownership_fields()
		sync_masked_copies(self)

	def after_insert(self):
		log_ownership_changes(
			[{"sales_lead": self.name, "to_salesperson": self.salesperson, "to_pool": self.customer_pool}],
			"Create",
		)

	def set_ownership_defaults(self):
		if not self.is_new():
			return
		if not self.salesperson and not self.customer_pool:
			if "CRM Salesperson" in frappe.get_roles() and frappe.session.user != "Administrator":
				self.salesperson = frappe.session.user
		if self.salesperson:
			self.sales_department = frappe.db.get_value("Sales Staff", self.salesperson, "sales_department")
			self.lifecycle_state = "Following"
			self.claimed_on = frappe.utils.now_datetime()
		else:
			self.customer_pool = self.customer_pool or default_pool("Lead")
			self.lifecycle_state = "Pool"

	def guard_ownership_fields(self):
		guard_ownership_fields(self)


def on_doctype_update():
	# As on Customer Account: a salesperson's list by modified and the limit counts by state, one index.
	frappe.db.add_index("Sales Lead", ["salesperson", "modified", "lifecycle_state"])
	frappe.db.add_index(
		"Sales Lead",
		["customer_pool", "lifecycle_state", "claimed_on", "last_contact_on"],
		"pool_state_claimed_index",
	)
