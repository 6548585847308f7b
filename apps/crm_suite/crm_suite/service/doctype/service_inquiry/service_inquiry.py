# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_suite.services import service_desk


class ServiceInquiry(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		answer: DF.TextEditor | None
		answered_by: DF.Link | None
		answered_on: DF.Datetime | None
		caller_name: DF.Data | None
		channel: DF.Literal["", "Phone", "Walk-in", "Online", "Email", "WeChat", "Other"]
		converted_on: DF.Datetime | None
		customer: DF.Link | None
		customer_name: DF.Data | None
		inquiry_type: DF.Literal["Pre-sales", "After-sales"]
		knowledge_article: DF.Link | None
		naming_series: DF.Literal["INQ-.YYYY.-.#####"]
		opportunity: DF.Link | None
		phone: DF.Data | None
		phone_call_record: DF.Link | None
		phone_masked: DF.Data | None
		question: DF.TextEditor
		sales_department: DF.Link | None
		salesperson: DF.Link | None
		status: DF.Literal["Open", "Answered", "Converted", "Closed"]
		subject: DF.Data
	# end: auto-generated types
	"""A pre- or after-sales question (SPEC SVC-01) from a customer or a caller, its answer, and the opportunity
	it may become (services/service_desk.py)."""

	def validate(self):
		service_desk.set_handler(self)
		service_desk.check_customer(self)
		service_desk.take_call_number(self)
		service_desk.sync_phone(self)
		service_desk.require_customer_or_caller(self)
		service_desk.set_answer_fields(self)
