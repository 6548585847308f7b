# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SalesProcessStage(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		end_kind: DF.Literal["Open", "Won", "Lost", "Invalid"]
		feedback_required: DF.Check
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		probability: DF.Percent
		required_fields: DF.SmallText | None
		stage_description: DF.SmallText | None
		stage_name: DF.Data
	# end: auto-generated types
	pass
