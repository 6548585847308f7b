# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.policies.sales_rules import (
	MoveRefused,
	Stage,
	check_process,
	parse_required_fields,
	removed_stages,
)
from crm_suite.services.sales.processes import sync_process
from crm_suite.services.sales.stages import refuse, stage_counts, stages_changed


class StageInUse(frappe.ValidationError):
	pass


class SalesProcess(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_suite.sales.doctype.sales_process_stage.sales_process_stage import SalesProcessStage

		description: DF.SmallText | None
		enabled: DF.Check
		is_default: DF.Check
		process_name: DF.Data
		stages: DF.Table[SalesProcessStage]
	# end: auto-generated types
	"""A sales process (销售流程, SPEC SALE-02): the ordered stages an opportunity goes through, each with a
	default probability, the feedback it requires and whether it ends the opportunity (won, lost, invalid)."""

	def validate(self):
		self.validate_stages()
		self.validate_removed_stages()

	def on_update(self):
		stages_changed(self.name)
		sync_process(self)

	def on_trash(self):
		stages_changed(self.name)

	def validate_stages(self):
		stages = [
			Stage(
				(row.stage_name or "").strip(),
				row.probability or 0,
				row.end_kind,
				bool(row.feedback_required),
				parse_required_fields(row.required_fields),
			)
			for row in self.stages
		]
		known = {f.fieldname for f in frappe.get_meta("Sales Opportunity").fields if f.fieldname}
		try:
			check_process(stages, known)
		except MoveRefused as refusal:
			refuse(refusal, frappe.ValidationError)
		for row in self.stages:
			row.stage_name = row.stage_name.strip()

	def validate_removed_stages(self):
		"""A stage opportunities stand in is not taken away (deleted or renamed): they would be orphaned."""
		before = self.get_doc_before_save()
		if not before:
			return
		removed = removed_stages([r.stage_name for r in before.stages], [r.stage_name for r in self.stages])
		counts = stage_counts(self.name, removed)
		if counts:
			frappe.throw(
				_("These stages still hold opportunities; move them to another stage first: {0}").format(
					", ".join(_("{0} ({1})").format(stage, count) for stage, count in sorted(counts.items()))
				),
				StageInUse,
				title=_("Stage In Use"),
			)
