"""Marks on owned records (SPEC POOL-04, POOL-10): shelve and unshelve, protect for the strategy's period,
and lock against every move until unlocked. The owner stays the owner."""

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, now_datetime

from crm_suite.services.pool.errors import NotOwner, PoolOperationError
from crm_suite.services.pool.kinds import FOLLOWING, SHELVED, Pooled, kind_of
from crm_suite.services.pool.limits import check_protection_limit
from crm_suite.services.pool.locks import lock_owned_rows, lock_rows, lock_user
from crm_suite.services.pool.membership import is_pool_admin, manages, strategy_for
from crm_suite.services.pool.moves import held_customers_moving


def shelve(names: list[str], doctype: str = "Customer Account"):
	kind = kind_of(doctype)
	rows = lock_owned_rows(kind, names)
	bad = [r.name for r in rows if r.lifecycle_state != FOLLOWING]
	if bad:
		frappe.throw(
			_("Only customers being followed can be shelved: {0}").format(", ".join(bad)), PoolOperationError
		)
	_set_state(kind, [r.name for r in rows], lifecycle_state=SHELVED)
	return [r.name for r in rows]


def unshelve(names: list[str], doctype: str = "Customer Account"):
	kind = kind_of(doctype)
	rows = lock_owned_rows(kind, names)
	bad = [r.name for r in rows if r.lifecycle_state != SHELVED]
	if bad:
		frappe.throw(_("Not shelved: {0}").format(", ".join(bad)), PoolOperationError)
	_set_state(kind, [r.name for r in rows], lifecycle_state=FOLLOWING)
	return [r.name for r in rows]


def protect(names: list[str], doctype: str = "Customer Account", on: bool = True):
	"""Protection (POOL-04): up to the strategy's maximum, for its protection period."""
	kind = kind_of(doctype)
	lock_user(frappe.session.user)
	rows = lock_owned_rows(kind, names)
	if not on:
		_set_state(kind, [r.name for r in rows], protected_until=None)
		return [r.name for r in rows]
	now = now_datetime()
	for owner in {r.salesperson for r in rows}:
		mine = [r for r in rows if r.salesperson == owner]
		strategy = strategy_for(mine[0].customer_pool)
		new = [r for r in mine if not (r.protected_until and get_datetime(r.protected_until) > now)]
		check_protection_limit(kind, owner, strategy, len(new))
		_set_state(kind, [r.name for r in mine], protected_until=add_days(now, strategy.protection_days or 1))
	return [r.name for r in rows]


def lock(names: list[str], doctype: str = "Customer Account", on: bool = True):
	"""An admin or manager locks rows: no claim, abandon, transfer or recycle until unlocked."""
	kind = kind_of(doctype)
	actor = frappe.session.user
	rows = lock_rows(kind, names)
	for row in rows:
		if not (
			is_pool_admin(row.customer_pool, actor) or (row.salesperson and manages(actor, row.salesperson))
		):
			frappe.throw(_("Only admins and managers lock records."), NotOwner, title=_("Not Allowed"))
	_set_state(kind, [r.name for r in rows], locked=int(on))
	return [r.name for r in rows]


def _set_state(kind: Pooled, names: list[str], **values):
	t = frappe.qb.DocType(kind.doctype)
	update = frappe.qb.update(t).set(t.modified, now_datetime())
	for field, value in values.items():
		update = update.set(getattr(t, field), value)
	if "lifecycle_state" in values:
		with held_customers_moving(kind, names):  # the customers held per state (POOL-11, RPT-11)
			update.where(t.name.isin(names)).run()
	else:
		update.where(t.name.isin(names)).run()
