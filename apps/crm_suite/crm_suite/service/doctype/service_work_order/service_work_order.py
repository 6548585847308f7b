# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services import field_service


class ServiceWorkOrder(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_suite.service.doctype.service_work_order_part.service_work_order_part import (
			ServiceWorkOrderPart,
		)

		address: DF.SmallText | None
		attachment: DF.Attach | None
		completed_on: DF.Datetime | None
		contact_mobile: DF.Data | None
		contact_person: DF.Data | None
		customer: DF.Link | None
		customer_name: DF.Data | None
		customer_signature: DF.Signature | None
		dispatched_to: DF.Link | None
		engineer: DF.Link
		naming_series: DF.Literal["GD-.YYYY.-"]
		parts: DF.Table[ServiceWorkOrderPart]
		problem: DF.Text | None
		request_type: DF.Data | None
		result: DF.Text | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
		satisfaction: DF.Rating
		scheduled_end: DF.Datetime | None
		scheduled_start: DF.Datetime
		service_request: DF.Link
		started_on: DF.Datetime | None
		survey_comment: DF.SmallText | None
		surveyed_on: DF.Datetime | None
		visit_plan: DF.Link | None
		workflow_state: DF.Link | None
	# end: auto-generated types
	"""An engineer's work order for a service request (派工单, SPEC SVC-03): dispatched through the workflow "Service Work Order Dispatch"; on completion the salesperson gets a follow-up visit plan (FUP-03)."""

	def validate(self):
		field_service.validate_work_order(self)

	def on_update(self):
		field_service.work_order_updated(self)


def on_doctype_update():
	# the engineer's orders by state; the row scope's two parts, each read in the list's order (ORG-03)
	frappe.db.add_index("Service Work Order", ["engineer", "workflow_state", "modified"])
	frappe.db.add_index("Service Work Order", ["salesperson", "modified"])
	frappe.db.add_index("Service Work Order", ["dispatched_to", "modified"])
