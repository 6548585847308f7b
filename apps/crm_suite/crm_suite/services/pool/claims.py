"""Claims from the pool (SPEC POOL-02a, c, d): a direct claim, the claim an approved application performs,
and the random batch claim; every limit is checked inside the claiming transaction."""

import random

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import now_datetime

from crm_suite.services.pool.errors import NotInPool, PoolOperationError
from crm_suite.services.pool.kinds import CLAIM_ACTION, POOL_STATE, kind_of
from crm_suite.services.pool.limits import (
	check_claimable,
	check_daily_limit,
	check_owned_limit,
	check_pool_allows_pull,
	claim_refusal,
)
from crm_suite.services.pool.locks import lock_rows, lock_user
from crm_suite.services.pool.membership import pool_settings
from crm_suite.services.pool.moves import move_to_user, notify


def claim(
	names: list[str],
	doctype: str = "Customer Account",
	user: str | None = None,
	approved_by: str | None = None,
	reason: str | None = None,
) -> list[str]:
	"""Direct claim (POOL-02c), or the claim an approval performs (POOL-02a): every limit checked now."""
	kind = kind_of(doctype)
	user = user or frappe.session.user
	lock_user(user)
	rows = lock_rows(kind, names)
	now = now_datetime()
	for row in rows:
		check_claimable(row, user, now)
	pools: dict[str | None, int] = {}
	for row in rows:
		pools[row.customer_pool] = pools.get(row.customer_pool, 0) + 1
	for pool, count in pools.items():
		check_pool_allows_pull(kind, pool, user, approved=bool(approved_by))
		check_owned_limit(kind, user, pool, len(rows))
		check_daily_limit(kind, user, pool, count)
	move_to_user(kind, rows, user, CLAIM_ACTION, reason)
	if approved_by:
		notify(
			{user: len(rows)},
			"Your claim application was approved: {0} added to your list.",
			kind,
			rows[0].name,
		)
	return [r.name for r in rows]


def random_claim(
	pool: str, count: int, doctype: str = "Customer Account", user: str | None = None
) -> list[str]:
	"""Batch random claim of N (POOL-02d): pick N at a random offset of the pool, lock, re-check, claim."""
	kind = kind_of(doctype)
	user = user or frappe.session.user
	if count < 1:
		frappe.throw(_("Enter how many to claim."), PoolOperationError)
	pool_settings(kind, pool, ())
	lock_user(user)
	check_pool_allows_pull(kind, pool, user, approved=False)
	check_owned_limit(kind, user, pool, count)
	check_daily_limit(kind, user, pool, count)
	t = frappe.qb.DocType(kind.doctype)
	in_pool = (t.customer_pool == pool) & (t.lifecycle_state == POOL_STATE) & (t.locked == 0)
	available = frappe.qb.from_(t).select(Count("*")).where(in_pool).run()[0][0]
	if not available:
		frappe.throw(_("Pool {0} is empty.").format(pool), NotInPool, title=_("Empty Pool"))
	offset = random.randrange(0, max(1, available - count + 1))
	names = (
		frappe.qb.from_(t)
		.select(t.name)
		.where(in_pool)
		.orderby(t.name)
		.limit(count)
		.offset(offset)
		.run(pluck=True)
	)
	rows = [r for r in lock_rows(kind, names) if r.lifecycle_state == POOL_STATE and not r.salesperson]
	now = now_datetime()
	rows = [r for r in rows if not claim_refusal(r, user, now)]
	if not rows:
		frappe.throw(_("Nothing left to claim in pool {0}.").format(pool), NotInPool, title=_("Empty Pool"))
	move_to_user(kind, rows, user, CLAIM_ACTION, _("Random claim"))
	return [r.name for r in rows]
