# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class OpportunityStageLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		days_in_previous_stage: DF.Float
		feedback: DF.SmallText | None
		from_stage: DF.Data | None
		loss_reason: DF.Link | None
		moved_by: DF.Link | None
		moved_on: DF.Datetime | None
		opportunity: DF.Link
		sales_process: DF.Link | None
		salesperson: DF.Link | None
		to_stage: DF.Data
		to_status: DF.Literal["Open", "Won", "Lost", "Invalid"]
	# end: auto-generated types
	"""One stage move of an opportunity (SPEC SALE-02): who, when, from, to, days spent in the stage left,
	the feedback given. Written by the stage service only (services/sales/stages.py)."""


def on_doctype_update():
	frappe.db.add_index("Opportunity Stage Log", ["opportunity", "moved_on"])
	# the conversion report's medians of a period: each chosen opportunity's moves from the index alone
	frappe.db.add_index(
		"Opportunity Stage Log",
		["opportunity", "sales_process", "from_stage", "days_in_previous_stage", "salesperson"],
		index_name="opportunity_stage_days_index",
	)
	# the conversion report's medians: an index-only scan, with the salesperson for the row scope
	frappe.db.add_index(
		"Opportunity Stage Log",
		["sales_process", "from_stage", "days_in_previous_stage", "salesperson"],
		index_name="stage_days_by_salesperson",
	)
