"""Pipeline by stage (SPEC SALE-01, RPT-04): open opportunities of a process per stage — how many, their
expected amount and the amount weighted by win probability — within the viewer's row scope (ORG-03). Read from
Opportunity Holding (services/pipeline_rollup.py) unless the expected close date is filtered on."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from frappe.utils import getdate

from crm_suite.permissions.rows import where_in_scope
from crm_suite.permissions.sales import opportunity_scope_criterion, shared_opportunities
from crm_suite.permissions.scope import visible_users
from crm_suite.policies.sales_rules import OPEN
from crm_suite.services.pipeline_rollup import HOLDING
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
	if filters.close_before:  # a filter on the opportunities themselves: read them
		by_stage = counted_from_opportunities(process, filters)
	else:
		by_stage = counted_from_holding(process, filters)
	data = []
	for stage in load_stages(process):
		if stage.end_kind != OPEN:
			continue
		row = by_stage.get(stage.name) or {}
		data.append(
			{
				"stage": stage.name,
				"opportunities": int(row.get("opportunities") or 0),
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


def counted_from_opportunities(process: str | None, filters, criterion=None) -> dict[str, dict]:
	"""stage → the open opportunities of `process` (None: every process) in scope (or matching `criterion`
	instead)."""
	o = frappe.qb.DocType("Sales Opportunity")
	query = (
		frappe.qb.from_(o)
		.select(
			o.stage,
			Count("*").as_("opportunities"),
			Sum(o.expected_amount).as_("expected_amount"),
			Sum(o.expected_amount * o.probability / 100).as_("weighted_amount"),
		)
		.where(o.status == OPEN)
		.groupby(o.stage)
	)
	if process:
		query = query.where(o.sales_process == process)
	if criterion is None:
		query = where_in_scope(query, opportunity_scope_criterion(table=o))
	else:
		query = query.where(criterion(o))
	if filters.salesperson:
		query = query.where(o.salesperson == filters.salesperson)
	if filters.close_before:
		query = query.where(o.expected_close_date <= getdate(filters.close_before))
	return {r.stage: r for r in query.run(as_dict=True)}


def counted_from_holding(process: str | None, filters) -> dict[str, dict]:
	"""stage → the open opportunities of `process` (None: every process) in scope, from Opportunity Holding
	(services/pipeline_rollup.py): the rows of the salespeople in scope, a few per person; opportunities
	shared with the viewer whose salesperson is out of scope are read themselves (ORG-03)."""
	users = visible_users(frappe.session.user)
	h = frappe.qb.DocType(HOLDING)
	query = (
		frappe.qb.from_(h)
		.select(
			h.stage,
			Sum(h.opportunity_count).as_("opportunities"),
			Sum(h.expected_amount).as_("expected_amount"),
			Sum(h.weighted_amount).as_("weighted_amount"),
		)
		.groupby(h.stage)
	)
	if process:
		query = query.where(h.sales_process == process)
	if users is not None:
		query = query.where(h.salesperson.isin(users or [""]))
	if filters.salesperson:
		query = query.where(h.salesperson == filters.salesperson)
	by_stage = {r.stage: r for r in query.run(as_dict=True)}
	shared = shared_opportunities(frappe.session.user, "read") if users is not None else []
	if shared:
		others = counted_from_opportunities(
			process,
			filters,
			lambda o: o.name.isin(shared) & (o.salesperson.isnull() | o.salesperson.notin(users or [""])),
		)
		for stage, row in others.items():
			mine = by_stage.setdefault(
				stage, frappe._dict(opportunities=0, expected_amount=0, weighted_amount=0)
			)
			for key in ("opportunities", "expected_amount", "weighted_amount"):
				mine[key] = (mine[key] or 0) + (row[key] or 0)
	return by_stage


def open_by_stage(measure: str) -> dict:
	"""Chart data of the open opportunities in scope, every process: `measure` ("opportunities" or
	"expected_amount") per stage — the default process's stages in its order, then any other process's."""
	by_stage = counted_from_holding(None, frappe._dict())
	process = default_process()
	order = [s.name for s in load_stages(process) if s.end_kind == OPEN] if process else []
	labels = order + sorted(s for s in by_stage if s and s not in order)
	return {
		"labels": labels,
		"datasets": [
			{
				"name": _("Opportunities") if measure == "opportunities" else _("Expected Amount"),
				"values": [float((by_stage.get(s) or {}).get(measure) or 0) for s in labels],
			}
		],
	}
