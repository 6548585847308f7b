"""The dry run behind the Recycle Preview report (SPEC POOL-05): who would be recycled on a day and under
which rule. Nothing is changed.

With a limit, each rule's rows are read as ranges in claim order, one per pool value and lifecycle state
(the rule's pool — and no pool for the default one — times its states): each range is an index range of
(customer_pool, lifecycle_state, claimed_on) read in that order up to the limit, and the ranges are merged by
claim date. One query over the union of ranges would sort every due row before cutting at the limit (issue
17). A scope (a salesperson's or a department's rows) is checked on each row found, or read from an index
led by the salesperson when the optimizer finds that range smaller."""

from datetime import datetime

import frappe
from frappe.utils import get_datetime, getdate, now_datetime

from crm_suite.services.pool.kinds import CUSTOMER, KINDS
from crm_suite.services.pool.membership import default_pool
from crm_suite.services.recycle.rules import due_criterion, due_states, load_rules


def preview(
	doctype: str = CUSTOMER.doctype,
	on_date: str | datetime | None = None,
	pool: str | None = None,
	scope=None,
	limit: int | None = None,
) -> list[dict]:
	"""Rows due on `on_date` (a date means its end), each with the first rule that takes it."""
	kind = KINDS[doctype]
	now = get_datetime(on_date) if on_date else now_datetime()
	if on_date and now.time() == datetime.min.time():
		now = get_datetime(f"{getdate(on_date)} 23:59:59")
	home_pool = default_pool(kind.pool_type)
	t = frappe.qb.DocType(kind.doctype)
	seen, rows = set(), []
	for rule in load_rules(kind):
		if pool and rule.pool != pool:
			continue
		due = due_criterion(kind, rule, now, home_pool)
		if scope is not None:
			due = due & scope
		for row in _due_rows(t, due, _ranges(t, kind, rule, home_pool) if limit else [None], limit):
			if row.name in seen:
				continue
			seen.add(row.name)
			row.rule = rule.rule_type
			row.reason = rule.reason()
			row.customer_pool = row.customer_pool or home_pool
			rows.append(row)
	return rows


def _ranges(t, kind, rule, home_pool) -> list:
	"""The rule's rows split into one criterion per pool value and lifecycle state."""
	pools = [t.customer_pool == rule.pool]
	if rule.pool == home_pool:
		pools.append(t.customer_pool.isnull())
	return [p & (t.lifecycle_state == state) for p in pools for state in due_states(kind, rule)]


def _due_rows(t, due, ranges: list, limit: int | None) -> list[dict]:
	"""The first `limit` rows matching `due` by claim date, read per range (None: one query)."""
	rows = []
	for part in ranges:
		query = (
			frappe.qb.from_(t)
			.select(
				t.name, t.salesperson, t.customer_pool, t.lifecycle_state, t.claimed_on, t.last_contact_on
			)
			.where(due if part is None else due & part)
			.orderby(t.claimed_on)
		)
		if limit:
			query = query.limit(limit)
		rows += query.run(as_dict=True)
	if len(ranges) > 1:
		rows.sort(key=lambda r: r.claimed_on)
	return rows[:limit] if limit else rows
