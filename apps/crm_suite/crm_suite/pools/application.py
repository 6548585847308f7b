"""What the Pools module's three applications share — claim (SPEC POOL-02a), transfer (POOL-07) and invalid
customer (POOL-08): the fields fixed once applied for, who may decide, and what a decision does. Each is
Pending → Approved / Rejected through its Workflow; approval acts through the pool services, rejection
tells the applicant."""

import frappe
from frappe.model.document import Document

from crm_suite.permissions.ownership_fields import guard_application_fields
from crm_suite.services.notify import notify_users
from crm_suite.services.pool.membership import ensure_can_decide

APPROVED = "Approved"
REJECTED = "Rejected"


class PoolApplication(Document):
	# set by each application
	fixed_fields: tuple[str, ...] = ()  # never change once the application is made
	applicant_field = "applicant"
	rejected_message = ""  # untranslated; {0} stands for the count (one)

	def guard_application_fields(self):
		guard_application_fields(self, self.fixed_fields)

	def on_update(self):
		if not self.has_value_changed("workflow_state"):
			return
		if self.workflow_state == APPROVED:
			self.on_approve()
		elif self.workflow_state == REJECTED:
			notify_users({self.get(self.applicant_field): 1}, self.rejected_message, self.doctype, self.name)

	def on_approve(self):
		raise NotImplementedError

	def validate_decider(self):
		if self.is_new() or not self.has_value_changed("workflow_state"):
			return
		if self.workflow_state in (APPROVED, REJECTED):
			ensure_can_decide(frappe.session.user, self.get(self.applicant_field), self.deciding_pool())
			self.check_decider()
			self.decided_by = frappe.session.user
			self.decided_on = frappe.utils.now_datetime()

	def deciding_pool(self) -> str | None:
		"""A pool whose admins may decide too (besides the applicant's managers)."""
		return None

	def check_decider(self):
		"""A further condition on who decides."""
