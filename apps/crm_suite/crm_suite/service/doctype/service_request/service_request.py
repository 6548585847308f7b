# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services import field_service


class ServiceRequest(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link
		customer_name: DF.Data | None
		customer_order: DF.Link | None
		description: DF.Text | None
		naming_series: DF.Literal["FW-.YYYY.-"]
		product: DF.Link | None
		request_type: DF.Literal["Repair", "Return", "Installation"]
		requested_on: DF.Date
		sales_department: DF.Link | None
		salesperson: DF.Link | None
		service_contract: DF.Link | None
		status: DF.Literal["Open", "Dispatched", "Completed", "Cancelled"]
		subject: DF.Data
	# end: auto-generated types
	"""A customer's request for repair, return or installation (服务请求, SPEC SVC-03), dispatched to an engineer as a Service Work Order."""

	def validate(self):
		field_service.validate_request(self)


def on_doctype_update():
	frappe.db.add_index("Service Request", ["salesperson", "modified"])
