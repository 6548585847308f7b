"""Customers held per salesperson × department × lifecycle state × category × kind × never contacted (SPEC
RPT-11, POOL-11, issue 17): *Customer Holding*, kept up as customers are written and moved, so that Customer
Stickiness and Resource Warning count a manager's team's customers from a few rows per person instead of every
customer they hold (442k index entries for the demo manager at 1M customers, 0.8–1.8 s).

Only held customers are counted (a salesperson set): the pools' customers are nobody's figures in the decision
centre, and leaving them out keeps every claim and release from updating one shared row.

Kept in the writing transaction, set-based over the stored rows, as every keyed rollup is
(services/keyed_rollup.py). The writers:
- a customer's own save and delete (hooks.py → doc_events; ownership fields are never written by a save, but
  category and kind are);
- the bulk insert of imported and demo customers (services/bulk.insert_customers);
- every move of ownership (services/pool/moves.py: to a user, to a pool, to Invalid) and recycling;
- shelving and unshelving (services/pool/marks.py);
- a follow-up moving the customer's last contact (services/follow_up.touch_last_contact);
- a won deal turning the customer's kind to Deal (services/sales/stages.mark_customer_deal);
- a deleted department leaving its customers without one (counted out and in around its UPDATE).

`rebuild()` recomputes the table from the customers in one transaction (a killed rebuild leaves the table as it
was); `mismatches()` compares it with the GROUP BY over the customers."""

from crm_suite.services.keyed_rollup import KeyedRollup

SOURCE = "Customer Account"
HOLDING = "Customer Holding"
# Resource Warning's "never contacted" (POOL-11): no contact since the customer was claimed
NEVER_CONTACTED = "coalesce(last_contact_on is null or last_contact_on <= claimed_on, 0)"
ROLLUP = KeyedRollup(
	source=SOURCE,
	table=HOLDING,
	keys={
		"salesperson": "salesperson",
		"sales_department": "nullif(sales_department, '')",
		"lifecycle_state": "nullif(lifecycle_state, '')",
		"customer_category": "nullif(customer_category, '')",
		"customer_kind": "nullif(customer_kind, '')",
		"never_contacted": NEVER_CONTACTED,
	},
	measures={"customer_count": "1"},
	counted="ifnull(salesperson, '') != ''",
)
KEYS = tuple(ROLLUP.keys)
add = ROLLUP.add  # count the stored customers in (after they were written)
remove = ROLLUP.remove  # count them out (before they are changed or deleted)
moving = ROLLUP.moving  # customers written set-based inside: counted out before, in after
mismatches = ROLLUP.mismatches


# document events of Customer Account (hooks.py → doc_events): the save's own transaction


before_save = ROLLUP.before_save


def on_update(doc, method=None) -> None:
	ROLLUP.on_update(doc)
	if doc.has_value_changed("customer_category") or doc.has_value_changed("customer_kind"):
		from crm_suite.services import reach_rollup  # the follow-ups' bookkeeping carries the type

		reach_rollup.customer_types_changed([doc.name])


def on_trash(doc, method=None) -> None:
	ROLLUP.on_trash(doc)
	from crm_suite.services import reach_rollup  # follow-ups kept after a forced delete: of no type now

	reach_rollup.customer_types_changed([doc.name], deleted=True)


def rebuild(commit=None) -> dict:
	"""Recompute the table from the customers, in one transaction (`commit` ends it; tests pass a no-op).
	`bench --site … execute crm_suite.services.holding_rollup.rebuild`."""
	return ROLLUP.rebuild(commit)
