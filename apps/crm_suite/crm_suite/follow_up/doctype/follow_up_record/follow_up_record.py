# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.services.follow_up import apply_template, touch_last_contact
from crm_suite.services.indexes import add_lasting_index
from crm_suite.services.visit_plan import complete_plan, plan_for_follow_up


class FollowUpTargetMissing(frappe.ValidationError):
	pass


class FollowUpRecord(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		attachment: DF.Attach | None
		contact: DF.Link | None
		content: DF.Text
		customer: DF.Link | None
		customer_name: DF.Data | None
		followed_on: DF.Datetime
		method: DF.Link
		next_contact_on: DF.Date | None
		next_step: DF.SmallText | None
		sales_department: DF.Link | None
		sales_lead: DF.Link | None
		salesperson: DF.Link | None
		template: DF.Link | None
		visit_plan: DF.Link | None
	# end: auto-generated types
	"""One follow-up (跟进/拜访, SPEC FUP-01) of a customer, contact or lead."""

	def validate(self):
		self.validate_target()
		self.set_salesperson()
		apply_template(self)
		self.validate_target_access()
		self.visit_plan = plan_for_follow_up(self)

	def on_update(self):
		if self.visit_plan and self.has_value_changed("visit_plan"):
			complete_plan(self.visit_plan, self.name, self.followed_on)  # FUP-03, same transaction
		if self.customer:
			touch_last_contact("Customer Account", self.customer, self.followed_on)
		if self.sales_lead:
			touch_last_contact("Sales Lead", self.sales_lead, self.followed_on)

	def validate_target(self):
		if not (self.customer or self.contact or self.sales_lead):
			frappe.throw(
				_("Choose the customer, contact or lead that was followed up."),
				FollowUpTargetMissing,
				title=_("Missing Values Required"),
			)
		if self.contact and not self.customer:
			self.customer = frappe.db.get_value(
				"Dynamic Link",
				{"parenttype": "Contact", "parent": self.contact, "link_doctype": "Customer Account"},
				"link_name",
			)

	def set_salesperson(self):
		if self.is_new() or not self.salesperson:
			self.salesperson = frappe.session.user
			self.sales_department = frappe.db.get_value("Sales Staff", self.salesperson, "sales_department")

	def validate_target_access(self):
		if self.customer:
			frappe.has_permission("Customer Account", "read", self.customer, throw=True)
		if self.sales_lead:
			frappe.has_permission("Sales Lead", "read", self.sales_lead, throw=True)


NEXT_CONTACT_INDEX = ["next_contact_on", "customer", "followed_on"]
CUSTOMERS_FOLLOWED_INDEX = ["salesperson", "followed_on", "customer", "method", "sales_department"]


def on_doctype_update():
	frappe.db.add_index("Follow Up Record", ["salesperson", "followed_on"])
	# Follow Up Statistics (RPT-02) counts distinct customers per group from these index entries alone
	frappe.db.add_index("Follow Up Record", CUSTOMERS_FOLLOWED_INDEX)
	# follow-up queries (FUP-05) over a date range for those who see everyone
	add_lasting_index("Follow Up Record", "followed_on")
	# the reminder engine (FUP-04): a run's next contact dates, one range that also holds the customer and the
	# time (is it the customer's latest follow-up?) without reading the rows
	frappe.db.add_index("Follow Up Record", NEXT_CONTACT_INDEX)
