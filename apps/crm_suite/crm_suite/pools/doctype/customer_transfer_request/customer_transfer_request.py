# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.services import pool
from crm_suite.services.notify import notify_users


class CustomerTransferRequest(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link
		customer_name: DF.Data | None
		decided_by: DF.Link | None
		decided_on: DF.Datetime | None
		from_salesperson: DF.Link | None
		naming_series: DF.Literal["CTR-.YYYY.-.#####"]
		reason: DF.SmallText | None
		to_salesperson: DF.Link
		workflow_state: DF.Link | None
	# end: auto-generated types
	"""Transfer to another salesperson with approval (SPEC POOL-07, 客户转移审批)."""

	def validate(self):
		pool.guard_application_fields(self, ("customer", "to_salesperson", "from_salesperson"))
		self.set_from_salesperson()
		self.validate_decider()

	def on_update(self):
		if not self.has_value_changed("workflow_state"):
			return
		if self.workflow_state == "Approved":
			pool.transfer(
				self.customer, self.to_salesperson, expected_from=self.from_salesperson, reason=self.reason
			)
		elif self.workflow_state == "Rejected":
			notify_users(
				{self.owner: 1}, "Your transfer request was rejected ({0}).", self.doctype, self.name
			)

	def set_from_salesperson(self):
		if not self.is_new():
			return
		self.from_salesperson = frappe.db.get_value("Customer Account", self.customer, "salesperson")
		user = frappe.session.user
		if not self.from_salesperson:
			frappe.throw(_("{0} has no owner to transfer from.").format(self.customer), pool.NotOwner)
		if self.from_salesperson != user and not pool.manages(user, self.from_salesperson):
			frappe.throw(
				_("Only the owner or their manager may request a transfer."),
				pool.NotOwner,
				title=_("Not Allowed"),
			)
		if self.to_salesperson == self.from_salesperson:
			frappe.throw(
				_("The customer already belongs to {0}.").format(self.to_salesperson), pool.PoolOperationError
			)

	def validate_decider(self):
		if self.is_new() or not self.has_value_changed("workflow_state"):
			return
		if self.workflow_state in ("Approved", "Rejected"):
			pool.ensure_can_decide(frappe.session.user, self.owner)
			if not (pool.manages(frappe.session.user, self.from_salesperson)):
				frappe.throw(
					_("Only a manager of {0} may decide this transfer.").format(self.from_salesperson),
					pool.NotAllowedToDecide,
				)
			self.decided_by = frappe.session.user
			self.decided_on = frappe.utils.now_datetime()
