# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _

from crm_suite.pools.application import PoolApplication
from crm_suite.services.pool.claims import claim
from crm_suite.services.pool.limits import check_claimable


class DuplicateApplication(frappe.ValidationError):
	pass


class ClaimApplication(PoolApplication):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		applicant: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		customer_pool: DF.Link | None
		decided_by: DF.Link | None
		decided_on: DF.Datetime | None
		naming_series: DF.Literal["CLA-.YYYY.-.#####"]
		reason: DF.SmallText | None
		workflow_state: DF.Link | None
	# end: auto-generated types
	"""Apply to claim (SPEC POOL-02a): Pending → Approved / Rejected by a pool admin or the applicant's
	manager; approval performs the claim, re-checking every limit at that moment."""

	fixed_fields = ("customer", "applicant", "customer_pool")
	rejected_message = "Your claim application was rejected ({0})."

	def validate(self):
		self.guard_application_fields()
		self.set_applicant()
		self.validate_customer_in_pool()
		self.validate_decider()

	def on_approve(self):
		claim([self.customer], user=self.applicant, approved_by=frappe.session.user, reason=self.reason)

	def deciding_pool(self) -> str | None:
		return self.customer_pool

	def set_applicant(self):
		if self.is_new():
			self.applicant = frappe.session.user

	def validate_customer_in_pool(self):
		if not self.is_new():
			return
		row = frappe.db.get_value(
			"Customer Account",
			self.customer,
			["name", "salesperson", "customer_pool", "lifecycle_state", "protected_until", "locked",
			 "last_released_by", "last_released_on"],
			as_dict=True,
		)  # fmt: skip
		if not row:
			frappe.throw(
				_("{0} {1} not found").format(_("Customer Account"), self.customer), frappe.DoesNotExistError
			)
		check_claimable(row, self.applicant, frappe.utils.now_datetime())
		self.customer_pool = row.customer_pool
		if frappe.db.exists(
			"Claim Application",
			{"customer": self.customer, "applicant": self.applicant, "workflow_state": "Pending"},
		):
			frappe.throw(
				_("You have already applied to claim {0}.").format(self.customer),
				DuplicateApplication,
				title=_("Already Applied"),
			)
