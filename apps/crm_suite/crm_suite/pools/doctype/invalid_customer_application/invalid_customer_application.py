# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.services import pool
from crm_suite.services.notify import notify_users


class InvalidCustomerApplication(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		applicant: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		decided_by: DF.Link | None
		decided_on: DF.Datetime | None
		naming_series: DF.Literal["ICA-.YYYY.-.#####"]
		reason: DF.SmallText
		workflow_state: DF.Link | None
	# end: auto-generated types
	"""The owner applies to mark a customer invalid; the manager approves or rejects (SPEC POOL-08).
	Applications stay as the history; approval writes an ownership-log row."""

	def validate(self):
		pool.guard_application_fields(self, ("customer",))
		self.set_applicant()
		self.validate_decider()

	def on_update(self):
		if not self.has_value_changed("workflow_state"):
			return
		if self.workflow_state == "Approved":
			pool.mark_invalid(self.customer, self.reason, expected_owner=self.applicant)
		elif self.workflow_state == "Rejected":
			notify_users(
				{self.applicant: 1},
				"Your invalid-customer application was rejected ({0}).",
				self.doctype,
				self.name,
			)

	def set_applicant(self):
		if not self.is_new():
			return
		self.applicant = frappe.session.user
		owner = frappe.db.get_value("Customer Account", self.customer, "salesperson")
		if owner != self.applicant:
			frappe.throw(
				_("Only the owner may apply to mark {0} invalid.").format(self.customer), pool.NotOwner
			)

	def validate_decider(self):
		if self.is_new() or not self.has_value_changed("workflow_state"):
			return
		if self.workflow_state in ("Approved", "Rejected"):
			pool.ensure_can_decide(frappe.session.user, self.applicant)
			self.decided_by = frappe.session.user
			self.decided_on = frappe.utils.now_datetime()
