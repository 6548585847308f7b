"""Stage conversion of a sales process (SPEC SALE-03, RPT-04): how many opportunities reached each stage,
the conversion from each stage to the next, where they were lost, and the median days spent in each stage —
within the viewer's row scope (ORG-03).

Set-based for 200k opportunities / 1M history rows: "reached" comes from the furthest stage each
opportunity has reached (kept on the opportunity by the stage service), one GROUP BY on the process's
opportunities; medians from the history's indexes (process, owner or opportunity creation, from stage, days),
read as a histogram of distinct values and counted out here, never row by row."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import add_days, get_datetime, getdate

from crm_suite.permissions.rows import where_in_scope
from crm_suite.permissions.sales import opportunity_scope_criterion, stage_log_scope_criterion
from crm_suite.policies.sales_rules import INVALID, LOST, OPEN, WON
from crm_suite.services.sales.stages import default_process, load_stages


def execute(filters=None):
	filters = frappe._dict(filters or {})
	process = filters.sales_process or default_process()
	columns = get_columns()
	if not process:
		return columns, [], _("No sales process is set up yet."), None, []
	stages = load_stages(process)
	counts = opportunity_counts(process, filters)
	medians = median_days(process, filters)
	data = build_rows(stages, counts, medians)
	return columns, data, None, get_chart(data), get_summary(counts)


def get_columns() -> list[dict]:
	return [
		{"fieldname": "stage", "label": _("Stage"), "fieldtype": "Data", "width": 140},
		{"fieldname": "end_kind", "label": _("End Kind"), "fieldtype": "Data", "width": 90},
		{"fieldname": "reached", "label": _("Reached"), "fieldtype": "Int", "width": 100},
		{"fieldname": "conversion", "label": _("Conversion to Next Stage"), "fieldtype": "Percent", "width": 150},
		{"fieldname": "conversion_from_start", "label": _("Conversion from First Stage"), "fieldtype": "Percent", "width": 150},
		{"fieldname": "standing", "label": _("Open in Stage"), "fieldtype": "Int", "width": 110},
		{"fieldname": "lost", "label": _("Lost at Stage"), "fieldtype": "Int", "width": 110},
		{"fieldname": "invalid", "label": _("Invalid at Stage"), "fieldtype": "Int", "width": 110},
		{"fieldname": "median_days", "label": _("Median Days in Stage"), "fieldtype": "Float", "precision": 1, "width": 150},
	]  # fmt: skip


def _opportunity_filters(query, salesperson, created, filters):
	"""The report's salesperson and period filters on the opportunities' (or their moves' copy of their)
	salesperson and creation columns."""
	if filters.salesperson:
		query = query.where(salesperson == filters.salesperson)
	if filters.from_date:
		query = query.where(created >= get_datetime(getdate(filters.from_date)))
	if filters.to_date:
		query = query.where(created < get_datetime(add_days(getdate(filters.to_date), 1)))
	return query


def opportunity_counts(process: str, filters) -> list[dict]:
	"""(furthest stage index, status, stage, lost at stage) → opportunities."""
	o = frappe.qb.DocType("Sales Opportunity")
	query = (
		frappe.qb.from_(o)
		.select(o.furthest_stage_index, o.status, o.stage, o.lost_at_stage, Count("*").as_("count"))
		.where(o.sales_process == process)
		.groupby(o.furthest_stage_index, o.status, o.stage, o.lost_at_stage)
	)
	query = where_in_scope(query, opportunity_scope_criterion(table=o))
	return _opportunity_filters(query, o.salesperson, o.creation, filters).run(as_dict=True)


def median_days(process: str, filters) -> dict[str, float]:
	"""Median days spent in each stage left, over the moves of the process's opportunities in scope (created in
	the period, when one is chosen): read as (stage, days) → moves from one index of the history alone — each move
	carries its opportunity's salesperson (its row scope, moved with a reassignment) and creation, so the
	opportunities themselves are not joined (issue 17: a manager's month took 0.5 s joined at 200k opportunities)."""
	log = frappe.qb.DocType("Opportunity Stage Log")
	query = (
		frappe.qb.from_(log)
		.select(log.from_stage, log.days_in_previous_stage, Count("*"))
		.where((log.sales_process == process) & log.from_stage.isnotnull())
		.groupby(log.from_stage, log.days_in_previous_stage)
		.orderby(log.from_stage)
		.orderby(log.days_in_previous_stage)
	)
	query = _opportunity_filters(query, log.salesperson, log.opportunity_created, filters)
	query = where_in_scope(query, stage_log_scope_criterion(table=log))
	histogram: dict[str, list[tuple[float, int]]] = {}
	for stage, days, count in query.run():
		histogram.setdefault(stage, []).append((float(days or 0), count))
	return {stage: median_of_histogram(values) for stage, values in histogram.items()}


def median_of_histogram(values: list[tuple[float, int]]) -> float:
	"""Median of sorted (value, count) pairs."""
	total = sum(c for _v, c in values)
	if not total:
		return 0.0
	middle = [(total - 1) // 2, total // 2]
	found, seen = [], 0
	for value, count in values:
		while middle and middle[0] < seen + count:
			found.append(value)
			middle.pop(0)
		seen += count
	return round(sum(found) / len(found), 2)


def build_rows(stages, counts, medians) -> list[dict]:
	funnel = [i for i, s in enumerate(stages) if s.end_kind in (OPEN, WON)]
	reached = {i: sum(r["count"] for r in counts if (r.furthest_stage_index or 0) >= i) for i in funnel}
	first = reached[funnel[0]] if funnel else 0
	rows = []
	for position, i in enumerate(funnel):
		stage = stages[i]
		following = funnel[position + 1] if position + 1 < len(funnel) else None
		rows.append(
			{
				"stage": stage.name,
				"end_kind": _(stage.end_kind),
				"reached": reached[i],
				"conversion": _percent(reached[following], reached[i]) if following is not None else None,
				"conversion_from_start": _percent(reached[i], first),
				"standing": sum(r["count"] for r in counts if r.status == OPEN and r.stage == stage.name),
				"lost": sum(r["count"] for r in counts if r.status == LOST and r.lost_at_stage == stage.name),
				"invalid": sum(
					r["count"] for r in counts if r.status == INVALID and r.lost_at_stage == stage.name
				),
				"median_days": medians.get(stage.name) if stage.end_kind == OPEN else None,
			}
		)
	return rows


def _percent(part: int, whole: int) -> float:
	return round(100.0 * part / whole, 1) if whole else 0.0


def get_chart(rows: list[dict]) -> dict:
	return {
		"data": {
			"labels": [r["stage"] for r in rows],
			"datasets": [
				{"name": _("Reached"), "values": [r["reached"] for r in rows]},
				{"name": _("Lost at Stage"), "values": [r["lost"] + r["invalid"] for r in rows]},
			],
		},
		"type": "bar",
		"colors": ["#2490EF", "#E24C4C"],
	}


def get_summary(counts) -> list[dict]:
	total = sum(r["count"] for r in counts)
	won = sum(r["count"] for r in counts if r.status == WON)
	lost = sum(r["count"] for r in counts if r.status in (LOST, INVALID))
	return [
		{"label": _("Opportunities"), "value": total, "datatype": "Int", "indicator": "Blue"},
		{"label": _("Won"), "value": won, "datatype": "Int", "indicator": "Green"},
		{"label": _("Lost or Invalid"), "value": lost, "datatype": "Int", "indicator": "Red"},
		{
			"label": _("Win Rate"),
			"value": _percent(won, won + lost),
			"datatype": "Percent",
			"indicator": "Green",
		},
	]
