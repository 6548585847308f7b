# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OpportunityRival(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		quoted_amount: DF.Currency
		relation: DF.Data | None
		rival: DF.Link
		rival_note: DF.SmallText | None
	# end: auto-generated types
	pass
