# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_suite.services.masking import set_derived_copies


class DialCommand(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		call_record: DF.Link | None
		completed_on: DF.Datetime | None
		customer: DF.Link | None
		dial_string: DF.Data | None
		error: DF.SmallText | None
		phone_line: DF.Link
		phone_number: DF.Data
		phone_number_masked: DF.Data | None
		requested_by: DF.Link | None
		sent_on: DF.Datetime | None
		status: DF.Literal["Queued", "Sent", "Dialled", "Failed", "Expired"]

	# end: auto-generated types
	def validate(self):
		set_derived_copies(self)
