"""The dry run behind the Recycle Preview report (SPEC POOL-05): who would be recycled on a day and under
which rule. Nothing is changed."""

from datetime import datetime

import frappe
from frappe.utils import get_datetime, getdate, now_datetime

from crm_suite.services.pool.kinds import CUSTOMER, KINDS
from crm_suite.services.pool.membership import default_pool
from crm_suite.services.recycle.rules import due_criterion, load_rules


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
		query = (
			frappe.qb.from_(t)
			.select(
				t.name, t.salesperson, t.customer_pool, t.lifecycle_state, t.claimed_on, t.last_contact_on
			)
			.where(due_criterion(kind, rule, now, home_pool))
			.orderby(t.claimed_on)
		)
		if scope is not None:
			query = query.where(scope)
		if limit:
			query = query.limit(limit)
		for row in query.run(as_dict=True):
			if row.name in seen:
				continue
			seen.add(row.name)
			row.rule = rule.rule_type
			row.reason = rule.reason()
			row.customer_pool = row.customer_pool or home_pool
			rows.append(row)
	return rows
