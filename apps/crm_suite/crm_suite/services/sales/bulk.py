"""Bulk writes of opportunities with their stage history (SPEC SALE-01, SALE-02): the demo loader's and the
benchmark's write path, multi-row INSERTs per chunk through the one bulk writer (services/bulk.py). Rows come
as the stage service would leave them (demo/sales_generator.py makes them)."""

from collections.abc import Callable, Iterable

import frappe

from crm_suite.demo.sales_generator import LOG_COLUMNS, OPP_COLUMNS
from crm_suite.services import pipeline_rollup
from crm_suite.services.bulk import _chunks, insert_rows
from crm_suite.services.ownership import new_row_names

OPPORTUNITY = "Sales Opportunity"
STAGE_LOG = "Opportunity Stage Log"


def insert_opportunities(
	items: Iterable[tuple[tuple, list[tuple]]],
	chunk_size: int = 5000,
	after_chunk: Callable[[int], None] | None = None,
) -> tuple[int, int]:
	"""Write (opportunity row, history rows) pairs; returns (opportunities, history rows) written."""
	user = frappe.session.user
	opp_columns = [*OPP_COLUMNS, "owner", "modified_by", "docstatus", "idx"]
	log_columns = ["name", *LOG_COLUMNS, "opportunity_created", "owner", "modified_by", "docstatus", "idx"]
	created = OPP_COLUMNS.index("creation")
	opportunities = logs = 0
	for chunk in _chunks(items, chunk_size):
		# each move with its opportunity's creation beside it (the conversion report's period, RPT-04)
		history = [(*row, opp[created]) for opp, rows in chunk for row in rows]
		insert_rows(OPPORTUNITY, opp_columns, [(*opp, user, user, 0, 0) for opp, _rows in chunk])
		pipeline_rollup.add([opp[0] for opp, _rows in chunk])  # the open ones counted per stage (RPT-04)
		insert_rows(
			STAGE_LOG,
			log_columns,
			[
				(name, *row, user, user, 0, 0)
				for name, row in zip(new_row_names(len(history)), history, strict=True)
			],
		)
		opportunities += len(chunk)
		logs += len(history)
		if after_chunk:
			after_chunk(opportunities)
	return opportunities, logs


def next_series_start(year: int) -> int:
	"""The last number the OPP-<year>- series gave out (bulk rows continue after it)."""
	series = frappe.db.sql("select `current` from `tabSeries` where `name` = %s", f"OPP-{year}-")
	current = series[0][0] if series else 0
	return max(int(current), frappe.db.count(OPPORTUNITY, {"name": ("like", f"OPP-{year}-%")}))


def bump_series(year: int, value: int) -> None:
	"""The naming series continues after bulk-written OPP-<year>-nnnnn names."""
	frappe.db.sql(
		"insert into `tabSeries` (`name`, `current`) values (%s, %s) on duplicate key update `current` = greatest(`current`, %s)",
		(f"OPP-{year}-", value, value),
	)
