"""Pipeline by stage (SPEC SALE-01, RPT-04): open opportunities of a process per stage — how many, their
expected amount and the amount weighted by win probability — within the viewer's row scope (ORG-03)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from frappe.utils import getdate

from crm_suite.permissions.rows import where_in_scope
from crm_suite.permissions.sales import opportunity_scope_criterion
from crm_suite.policies.sales_rules import OPEN
from crm_suite.services.sales.stages import default_process, load_stages


def execute(filters=None):
	filters = frappe._dict(filters or {})
	process = filters.sales_process or default_process()
	columns = [
		{"fieldname": "stage", "label": _("Stage"), "fieldtype": "Data", "width": 160},
		{"fieldname": "opportunities", "label": _("Opportunities"), "fieldtype": "Int", "width": 120},
		{
			"fieldname": "expected_amount",
			"label": _("Expected Amount"),
			"fieldtype": "Currency",
			"width": 160,
		},
		{
			"fieldname": "weighted_amount",
			"label": _("Weighted Amount"),
			"fieldtype": "Currency",
			"width": 160,
		},
	]
	if not process:
		return columns, []
	o = frappe.qb.DocType("Sales Opportunity")
	query = (
		frappe.qb.from_(o)
		.select(
			o.stage,
			Count("*").as_("opportunities"),
			Sum(o.expected_amount).as_("expected_amount"),
			Sum(o.expected_amount * o.probability / 100).as_("weighted_amount"),
		)
		.where((o.sales_process == process) & (o.status == OPEN))
		.groupby(o.stage)
	)
	query = where_in_scope(query, opportunity_scope_criterion(table=o))
	if filters.salesperson:
		query = query.where(o.salesperson == filters.salesperson)
	if filters.close_before:
		query = query.where(o.expected_close_date <= getdate(filters.close_before))
	by_stage = {r.stage: r for r in query.run(as_dict=True)}
	data = []
	for stage in load_stages(process):
		if stage.end_kind != OPEN:
			continue
		row = by_stage.get(stage.name) or {}
		data.append(
			{
				"stage": stage.name,
				"opportunities": row.get("opportunities") or 0,
				"expected_amount": float(row.get("expected_amount") or 0),
				"weighted_amount": round(float(row.get("weighted_amount") or 0), 2),
			}
		)
	total = {
		"stage": _("Total"),
		"opportunities": sum(r["opportunities"] for r in data),
		"expected_amount": sum(r["expected_amount"] for r in data),
		"weighted_amount": round(sum(r["weighted_amount"] for r in data), 2),
		"bold": 1,
	}
	chart = {
		"data": {
			"labels": [r["stage"] for r in data],
			"datasets": [
				{"name": _("Expected Amount"), "values": [r["expected_amount"] for r in data]},
				{"name": _("Weighted Amount"), "values": [r["weighted_amount"] for r in data]},
			],
		},
		"type": "bar",
	}
	return columns, [*data, total], None, chart
