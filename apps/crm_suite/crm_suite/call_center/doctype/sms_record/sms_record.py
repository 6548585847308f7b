# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SMSRecord(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link | None
		error: DF.SmallText | None
		gateway: DF.Data | None
		message: DF.SmallText | None
		phone_key: DF.Data | None
		phone_number: DF.Data | None
		sent_by: DF.Link | None
		sent_on: DF.Datetime | None
		status: DF.Literal["Queued", "Sent", "Failed", "Opted Out"]
		template: DF.Link | None
	# end: auto-generated types
	pass
