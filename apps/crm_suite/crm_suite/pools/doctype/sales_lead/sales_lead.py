# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.permissions.ownership_fields import guard_ownership_fields
from crm_suite.services.masking import sync_masked_copies
from crm_suite.services.ownership import log_ownership_changes
from crm_suite.services.pool.membership import default_pool


class SalesLead(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link | None
		claimed_on: DF.Datetime | None
		company_name: DF.Data | None
		contact_name: DF.Data | None
		converted_contact: DF.Link | None
		converted_customer: DF.Link | None
		converted_on: DF.Datetime | None
		customer_category: DF.Link | None
		customer_pool: DF.Link | None
		email: DF.Data | None
		industry: DF.Link | None
		last_contact_on: DF.Datetime | None
		last_released_by: DF.Link | None
		last_released_on: DF.Datetime | None
		lead_name: DF.Data
		lead_source: DF.Link | None
		lifecycle_state: DF.Literal["Pending", "Pool", "Following", "Qualified", "Converted", "Invalid"]
		locked: DF.Check
		mobile_no: DF.Data | None
		mobile_no_masked: DF.Data | None
		naming_series: DF.Literal["LEAD-.YYYY.-.#####"]
		phone: DF.Data | None
		phone_masked: DF.Data | None
		protected_until: DF.Datetime | None
		province: DF.Link | None
		remarks: DF.SmallText | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
	# end: auto-generated types
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
	# the conversion funnel (RPT-03): a period's leads per salesperson
	frappe.db.add_index("Sales Lead", ["salesperson", "creation"], "salesperson_creation")
