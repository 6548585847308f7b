"""Opportunity Stage Log's `opportunity_created` filled from the opportunities, then its indexes
`stage_days_by_owner` and `stage_days_by_created` in place of `opportunity_stage_days_index` (SPEC RPT-04,
issue 17): the stage conversion of a period reads the moves of the opportunities created in it from one index,
without joining the opportunities. Set-based, one UPDATE per 50k moves."""

import frappe


def execute():
	from crm_suite.sales.doctype.opportunity_stage_log.opportunity_stage_log import on_doctype_update

	while True:
		frappe.db.sql(
			"""update `tabOpportunity Stage Log` log
			join (
				select l.name, o.creation from `tabOpportunity Stage Log` l
				join `tabSales Opportunity` o on o.name = l.opportunity
				where l.opportunity_created is null
				limit 50000
			) todo on todo.name = log.name
			set log.opportunity_created = todo.creation"""
		)
		changed = frappe.db.sql("select row_count()")[0][0]
		frappe.db.commit()
		if not changed:
			break
	on_doctype_update()
