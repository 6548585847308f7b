# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document


class RivalCompany(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		enabled: DF.Check
		relation: DF.Literal["Competitor", "Partner"]
		response_strategy: DF.Text | None
		rival_name: DF.Data
		strengths: DF.SmallText | None
		weaknesses: DF.SmallText | None
		website: DF.Data | None
	# end: auto-generated types
	pass
