# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document


class PoolRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer_category: DF.Link | None
		days: DF.Int
		enabled: DF.Check
		exempt_deal: DF.Check
		exempt_locked: DF.Check
		exempt_protected: DF.Check
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		rule_type: DF.Literal["Not Contacted After Claim", "No Follow Up", "No Deal"]
		warn_days: DF.Int
	# end: auto-generated types
	pass
