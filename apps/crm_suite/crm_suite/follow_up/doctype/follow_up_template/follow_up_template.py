# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document


class FollowUpTemplate(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		content: DF.Text | None
		method: DF.Link | None
		next_contact_days: DF.Int
		next_step: DF.SmallText | None
		template_name: DF.Data
	# end: auto-generated types
	pass
