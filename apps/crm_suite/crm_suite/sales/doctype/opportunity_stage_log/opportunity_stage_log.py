# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services.indexes import drop_index


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
		opportunity_created: DF.Datetime | None
		sales_process: DF.Link | None
		salesperson: DF.Link | None
		to_stage: DF.Data
		to_status: DF.Literal["Open", "Won", "Lost", "Invalid"]
	# end: auto-generated types
	"""One stage move of an opportunity (SPEC SALE-02): who, when, from, to, days spent in the stage left,
	the feedback given. Written by the stage service only (services/sales/stages.py)."""


def on_doctype_update():
	frappe.db.add_index("Opportunity Stage Log", ["opportunity", "moved_on"])
	# the conversion report's medians of a period (RPT-04, issue 17) read the moves of the opportunities created
	# in it from one index, the opportunity's creation kept on each move (no join to the opportunities): a
	# manager's or salesperson's per salesperson in scope, with or without a period ...
	frappe.db.add_index(
		"Opportunity Stage Log",
		["sales_process", "salesperson", "opportunity_created", "from_stage", "days_in_previous_stage"],
		index_name="stage_days_by_owner",
	)
	# ... an admin's period as one range of creation
	frappe.db.add_index(
		"Opportunity Stage Log",
		["sales_process", "opportunity_created", "from_stage", "days_in_previous_stage"],
		index_name="stage_days_by_created",
	)
	# they replace `opportunity_stage_days_index` (each chosen opportunity joined to its moves: 0.5 s for a
	# manager's month at 200k opportunities / 800k moves)
	drop_index("Opportunity Stage Log", "opportunity_stage_days_index")
	# the conversion report's medians over all time: an index-only scan, with the salesperson for the row scope
	frappe.db.add_index(
		"Opportunity Stage Log",
		["sales_process", "from_stage", "days_in_previous_stage", "salesperson"],
		index_name="stage_days_by_salesperson",
	)
