# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class OpportunityHolding(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		expected_amount: DF.Currency
		opportunity_count: DF.Int
		sales_department: DF.Link | None
		sales_process: DF.Link | None
		salesperson: DF.Link | None
		stage: DF.Data | None
		weighted_amount: DF.Currency
	# end: auto-generated types

	"""The open opportunities of one sales process and stage that a salesperson holds in one department, with
	their expected and weighted amounts (SPEC SALE-01, RPT-04): made and kept only by
	services/pipeline_rollup.py; its name is the hash of its key."""


def on_doctype_update():
	# the pipeline reads the rows of a process's salespeople in scope from the index alone
	frappe.db.add_index(
		"Opportunity Holding",
		["sales_process", "salesperson", "stage", "opportunity_count", "expected_amount", "weighted_amount"],
		"pipeline_index",
	)
