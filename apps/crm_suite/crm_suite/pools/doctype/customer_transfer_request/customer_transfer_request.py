# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _

from crm_suite.pools.application import PoolApplication
from crm_suite.services.pool.errors import NotAllowedToDecide, NotOwner, PoolOperationError
from crm_suite.services.pool.handovers import transfer
from crm_suite.services.pool.membership import manages


class CustomerTransferRequest(PoolApplication):
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

	fixed_fields = ("customer", "to_salesperson", "from_salesperson")
	applicant_field = "owner"
	rejected_message = "Your transfer request was rejected ({0})."

	def validate(self):
		self.guard_application_fields()
		self.set_from_salesperson()
		self.validate_decider()

	def on_approve(self):
		transfer(self.customer, self.to_salesperson, expected_from=self.from_salesperson, reason=self.reason)

	def check_decider(self):
		if not manages(frappe.session.user, self.from_salesperson):
			frappe.throw(
				_("Only a manager of {0} may decide this transfer.").format(self.from_salesperson),
				NotAllowedToDecide,
			)

	def set_from_salesperson(self):
		if not self.is_new():
			return
		self.from_salesperson = frappe.db.get_value("Customer Account", self.customer, "salesperson")
		user = frappe.session.user
		if not self.from_salesperson:
			frappe.throw(_("{0} has no owner to transfer from.").format(self.customer), NotOwner)
		if self.from_salesperson != user and not manages(user, self.from_salesperson):
			frappe.throw(
				_("Only the owner or their manager may request a transfer."),
				NotOwner,
				title=_("Not Allowed"),
			)
		if self.to_salesperson == self.from_salesperson:
			frappe.throw(
				_("The customer already belongs to {0}.").format(self.to_salesperson), PoolOperationError
			)
