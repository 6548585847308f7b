# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_suite.services import complaints


class CustomerComplaint(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_suite.service.doctype.complaint_handling_step.complaint_handling_step import (
			ComplaintHandlingStep,
		)

		category: DF.Link | None
		closed_on: DF.Datetime | None
		customer: DF.Link
		customer_name: DF.Data | None
		deadline: DF.Datetime | None
		description: DF.Text | None
		escalated: DF.Check
		escalated_on: DF.Datetime | None
		escalated_to: DF.Link | None
		escalation_notified: DF.Check
		handling_steps: DF.Table[ComplaintHandlingStep]
		naming_series: DF.Literal["TS-.YYYY.-"]
		reported_on: DF.Datetime
		resolution: DF.Text | None
		responsible_department: DF.Link | None
		responsible_person: DF.Link | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
		satisfaction: DF.Rating
		satisfaction_comment: DF.SmallText | None
		severity: DF.Link
		subject: DF.Data
		workflow_state: DF.Link | None
	# end: auto-generated types
	"""A customer's complaint (客户投诉, SPEC SVC-02): handled by a responsible person within the deadline of its severity, escalated to their manager when overdue, closed with the customer's satisfaction; the handling record is appended through crm_suite.api.service.add_complaint_step."""

	def validate(self):
		complaints.validate_complaint(self)

	def on_update(self):
		complaints.record_changes(self)


def on_doctype_update():
	complaints.on_doctype_update()
