"""Open opportunities per sales process × stage × salesperson × department, with their expected and weighted
amounts (SPEC SALE-01, RPT-04, issue 17): *Opportunity Holding*, kept up as opportunities are written, so that
the Sales Pipeline counts a manager's team's pipeline from a few rows per person instead of every open
opportunity of the process (200k index entries for the demo manager at 200k opportunities, 0.8 s).

Only open opportunities are counted: a won, lost or invalid one leaves the table with the move that ends it.
Kept in the writing transaction as every keyed rollup is (services/keyed_rollup.py). The writers:
- an opportunity's own save, stage move and delete (hooks.py → doc_events; a stage move runs the save's
  before_save and on_update: services/sales/stages.save_move);
- the bulk insert of demo and benchmark opportunities (services/sales/bulk.insert_opportunities).

`rebuild()` recomputes the table in one transaction; `mismatches()` compares it with the GROUP BY over the
opportunities."""

from crm_suite.policies.sales_rules import OPEN
from crm_suite.services.keyed_rollup import KeyedRollup

SOURCE = "Sales Opportunity"
HOLDING = "Opportunity Holding"
ROLLUP = KeyedRollup(
	source=SOURCE,
	table=HOLDING,
	keys={
		"sales_process": "nullif(sales_process, '')",
		"stage": "nullif(stage, '')",
		"salesperson": "nullif(salesperson, '')",
		"sales_department": "nullif(sales_department, '')",
	},
	measures={
		"opportunity_count": "1",
		"expected_amount": "coalesce(expected_amount, 0)",
		"weighted_amount": "coalesce(expected_amount, 0) * coalesce(probability, 0) / 100",
	},
	counted=f"status = '{OPEN}'",
)
add = ROLLUP.add
remove = ROLLUP.remove
moving = ROLLUP.moving
mismatches = ROLLUP.mismatches


# document events of Sales Opportunity (hooks.py → doc_events)
before_save = ROLLUP.before_save
on_update = ROLLUP.on_update
on_trash = ROLLUP.on_trash


def rebuild(commit=None) -> dict:
	"""Recompute the table from the opportunities, in one transaction (`commit` ends it; tests pass a no-op).
	`bench --site … execute crm_suite.services.pipeline_rollup.rebuild`."""
	return ROLLUP.rebuild(commit)
