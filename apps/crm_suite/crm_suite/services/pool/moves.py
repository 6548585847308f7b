"""The move of pooled records (SPEC POOL-02, POOL-06..08, ORG-05): one set-based UPDATE of the rows, one bulk
insert of their Customer Ownership Log rows, and a notification to the people affected. Ownership fields
are never written through a document save (`permissions/ownership_fields.py` refuses that)."""

from collections.abc import Callable
from contextlib import contextmanager

import frappe
from frappe.query_builder.functions import Coalesce
from frappe.utils import now_datetime

from crm_suite.services import holding_rollup
from crm_suite.services.customer_followers import follow_new_owner
from crm_suite.services.notify import notify_users
from crm_suite.services.ownership import log_ownership_changes
from crm_suite.services.pool.kinds import FOLLOWING, INVALID, POOL_STATE, Pooled
from crm_suite.services.pool.membership import default_pool


def move_to_user(
	kind: Pooled, rows: list, user: str, action: str, reason: str | None = None, keep_state=False
):
	t = frappe.qb.DocType(kind.doctype)
	now = now_datetime()
	department = frappe.db.get_value("Sales Staff", user, "sales_department")
	update = (
		frappe.qb.update(t)
		.set(t.salesperson, user)
		.set(t.sales_department, department)
		.set(t.claimed_on, now)
		.set(t.modified, now)
		.set(t.modified_by, frappe.session.user)
	)
	if not keep_state:
		update = update.set(t.lifecycle_state, FOLLOWING)
	names = [r.name for r in rows]
	with held_customers_moving(kind, names):
		update.where(t.name.isin(names)).run()
	if kind.doctype == "Customer Account":
		# the customers' complaints, service requests, work orders and contracts go along (ORG-03)
		follow_new_owner([r.name for r in rows], user, department)
	log_moves(
		kind,
		rows,
		action,
		reason,
		to_salesperson=user,
		from_pool=lambda r: r.customer_pool if r.lifecycle_state == POOL_STATE else None,
	)


def move_to_pool(kind: Pooled, rows: list, action: str, reason: str | None = None, pool: str | None = None):
	"""Into `pool`, else each row's own pool, else the kind's default pool."""
	t = frappe.qb.DocType(kind.doctype)
	now = now_datetime()
	target = pool or default_pool(kind.pool_type)
	update = _released(t, POOL_STATE, now).set(t.modified_by, frappe.session.user)
	if pool:
		update = update.set(t.customer_pool, pool)
	else:
		update = update.set(t.customer_pool, Coalesce(t.customer_pool, target))
	names = [r.name for r in rows]
	with held_customers_moving(kind, names):
		update.where(t.name.isin(names)).run()
	log_moves(kind, rows, action, reason, to_pool=lambda r: pool or r.customer_pool or target)


def move_to_invalid(kind: Pooled, rows: list, reason: str | None = None):
	"""Out of everyone's hands (POOL-08): no owner, in no one's list, kept with its pool for the record."""
	t = frappe.qb.DocType(kind.doctype)
	names = [r.name for r in rows]
	with held_customers_moving(kind, names):
		_released(t, INVALID, now_datetime()).where(t.name.isin(names)).run()
	log_moves(kind, rows, "Invalid", reason, from_pool=lambda r: r.customer_pool)


@contextmanager
def held_customers_moving(kind: Pooled, names: list[str]):
	"""Customers' ownership written set-based inside: the customers held per salesperson and type follow
	(services/holding_rollup.py) — counted out before, in after."""
	if kind.doctype != "Customer Account":
		yield
		return
	with holding_rollup.moving(names):
		yield


def _released(t, state: str, now):
	"""An UPDATE leaving rows without an owner in `state`, remembering who released them: MariaDB assigns
	left to right, so the owner is read before it is cleared."""
	return (
		frappe.qb.update(t)
		.set(t.last_released_by, t.salesperson)
		.set(t.last_released_on, now)
		.set(t.salesperson, None)
		.set(t.sales_department, None)
		.set(t.lifecycle_state, state)
		.set(t.protected_until, None)
		.set(t.modified, now)
	)


def log_moves(
	kind: Pooled,
	rows: list,
	action: str,
	reason: str | None = None,
	to_salesperson: str | None = None,
	from_pool: Callable | None = None,
	to_pool: Callable | None = None,
) -> int:
	"""One Customer Ownership Log row per moved row, from its owner (as read before the move) to
	`to_salesperson`; `from_pool` and `to_pool` give a row's pools."""
	return log_ownership_changes(
		[
			{
				kind.log_field: r.name,
				"from_salesperson": r.salesperson,
				"to_salesperson": to_salesperson,
				"from_pool": from_pool(r) if from_pool else None,
				"to_pool": to_pool(r) if to_pool else None,
			}
			for r in rows
		],
		action,
		reason,
	)


def notify(user_counts: dict[str, int], message: str, kind: Pooled, name: str | None = None):
	"""`message` is an untranslated source text with {0} for the count (translated per recipient); the
	acting user is not told of their own doing."""
	notify_users(
		{u: n for u, n in user_counts.items() if u and u != frappe.session.user},
		message,
		kind.doctype,
		name,
	)


def by_owner(rows) -> dict[str, int]:
	counts: dict[str, int] = {}
	for r in rows:
		if r.salesperson:
			counts[r.salesperson] = counts.get(r.salesperson, 0) + 1
	return counts
