"""Customers held per salesperson × department × lifecycle state × category × kind × never contacted (SPEC
RPT-11, POOL-11, issue 17): *Customer Holding*, kept up as customers are written and moved, so that Customer
Stickiness and Resource Warning count a manager's team's customers from a few rows per person instead of every
customer they hold (442k index entries for the demo manager at 1M customers, 0.8–1.8 s).

Only held customers are counted (a salesperson set): the pools' customers are nobody's figures in the decision
centre, and leaving them out keeps every claim and release from updating one shared row.

Kept in the writing transaction, set-based over the stored rows, as the activity rollups are
(services/activity_rollup.py): `remove(names)` before the customers are changed or deleted, `add(names)` after
they were written; one `INSERT … SELECT … GROUP BY … ON DUPLICATE KEY UPDATE` each, on the row's primary key (a
hash of its key computed in SQL, in the table's collation). A row at zero is deleted. The writers:
- a customer's own save and delete (hooks.py → doc_events; ownership fields are never written by a save, but
  category and kind are);
- the bulk insert of imported and demo customers (services/bulk.insert_customers);
- every move of ownership (services/pool/moves.py: to a user, to a pool, to Invalid) and recycling;
- shelving and unshelving (services/pool/marks.py);
- a follow-up moving the customer's last contact (services/follow_up.touch_last_contact);
- a won deal turning the customer's kind to Deal (services/sales/stages.mark_customer_deal);
- a deleted department leaving its customers without one (recounted whole, in the same transaction).

`rebuild()` recomputes the table from the customers in one transaction (a killed rebuild leaves the table as it
was); `mismatches()` compares it with the GROUP BY over the customers."""

from contextlib import contextmanager

import frappe
from frappe.utils import now_datetime

from crm_suite.services.activity_rollup import TABLE_COLLATION

SOURCE = "Customer Account"
HOLDING = "Customer Holding"
KEYS = (
	"salesperson",
	"sales_department",
	"lifecycle_state",
	"customer_category",
	"customer_kind",
	"never_contacted",
)
# Resource Warning's "never contacted" (POOL-11): no contact since the customer was claimed
NEVER_CONTACTED = "coalesce(last_contact_on is null or last_contact_on <= claimed_on, 0)"


def grouped(where: str = "", sign: int = 1) -> str:
	"""The holding rows computed from the held customers matching `where` (SQL with %(…)s parameters)."""
	parts = ", ".join(f"coalesce({k}, '')" for k in KEYS)
	return f"""select sha1(concat_ws('|', {parts})) collate {TABLE_COLLATION} as name, {", ".join(KEYS)},
			{sign} * count(*) as customer_count
		from (
			select salesperson, nullif(sales_department, '') as sales_department,
				nullif(lifecycle_state, '') as lifecycle_state, nullif(customer_category, '') as customer_category,
				nullif(customer_kind, '') as customer_kind, {NEVER_CONTACTED} as never_contacted
			from `tab{SOURCE}` where ifnull(salesperson, '') != '' {where}
		) held
		group by {", ".join(KEYS)}"""


def _upsert(where: str, params: dict, sign: int) -> None:
	table = f"`tab{HOLDING}`"
	now = now_datetime()
	frappe.db.sql(
		f"""insert into {table} (name, {", ".join(KEYS)}, customer_count, creation, modified, owner, modified_by)
		select g.*, %(now)s, %(now)s, %(user)s, %(user)s from ({grouped(where, sign)}) g
		on duplicate key update {table}.customer_count = {table}.customer_count + values(customer_count),
			{table}.modified = values(modified)""",
		{**params, "now": now, "user": frappe.session.user},
	)


@contextmanager
def moving(names: list[str]):
	"""Customers written set-based inside (ownership, state, department, last contact): counted out before,
	in after."""
	remove(names)
	yield
	add(names)


def add(names: list[str]) -> None:
	"""Count the stored customers `names` in (after they were written)."""
	if names:
		_upsert("and name in %(names)s", {"names": tuple(names)}, 1)


def remove(names: list[str]) -> None:
	"""Count the stored customers `names` out (before they are changed or deleted); rows left at zero go."""
	if not names:
		return
	params = {"names": tuple(names)}
	_upsert("and name in %(names)s", params, -1)
	frappe.db.sql(
		f"""delete from `tab{HOLDING}` where customer_count <= 0
		and name in (select g.name from ({grouped("and name in %(names)s")}) g)""",
		params,
	)


# document events of Customer Account (hooks.py → doc_events): the save's own transaction


def before_save(doc, method=None) -> None:
	if not doc.is_new():
		remove([doc.name])


def on_update(doc, method=None) -> None:
	add([doc.name])
	if doc.has_value_changed("customer_category") or doc.has_value_changed("customer_kind"):
		from crm_suite.services import reach_rollup  # the follow-ups' bookkeeping carries the type

		reach_rollup.customer_types_changed([doc.name])


def on_trash(doc, method=None) -> None:
	remove([doc.name])
	from crm_suite.services import reach_rollup  # follow-ups kept after a forced delete: of no type now

	reach_rollup.customer_types_changed([doc.name], deleted=True)


def rebuild(commit=None) -> dict:
	"""Recompute the table from the customers, in one transaction (`commit` ends it; tests pass a no-op).
	`bench --site … execute crm_suite.services.holding_rollup.rebuild`."""
	frappe.db.sql(f"delete from `tab{HOLDING}`")
	_upsert("", {}, 1)
	(commit or frappe.db.commit)()
	return {"rows": frappe.db.count(HOLDING)}


def mismatches() -> list[dict]:
	"""Holding rows that differ from the GROUP BY over the customers, and groups without their row (empty when
	they agree)."""
	g = grouped()
	return frappe.db.sql(
		f"""select 'rollup' as side, t.name, t.salesperson, t.customer_count, g.customer_count as raw_count
		from `tab{HOLDING}` t left join ({g}) g on g.name = t.name
		where g.name is null or g.customer_count != t.customer_count
		union all
		select 'raw', g.name, g.salesperson, null, g.customer_count
		from ({g}) g left join `tab{HOLDING}` t on t.name = g.name where t.name is null""",
		as_dict=True,
	)
