# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _

from crm_suite.pools.application import PoolApplication
from crm_suite.services.pool.errors import NotOwner
from crm_suite.services.pool.handovers import mark_invalid


class InvalidCustomerApplication(PoolApplication):
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

	fixed_fields = ("customer",)
	rejected_message = "Your invalid-customer application was rejected ({0})."

	def validate(self):
		self.guard_application_fields()
		self.set_applicant()
		self.validate_decider()

	def on_approve(self):
		mark_invalid(self.customer, self.reason, expected_owner=self.applicant)

	def set_applicant(self):
		if not self.is_new():
			return
		self.applicant = frappe.session.user
		owner = frappe.db.get_value("Customer Account", self.customer, "salesperson")
		if owner != self.applicant:
			frappe.throw(_("Only the owner may apply to mark {0} invalid.").format(self.customer), NotOwner)
