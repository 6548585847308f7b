"""Distribution by admins and managers (SPEC POOL-02b, e): assign to a subordinate, take back into the pool,
and push a pool's rows to its members round robin or to the least loaded first."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count

from crm_suite.permissions.scope import sees_everything
from crm_suite.policies.pool_rules import plan_push
from crm_suite.services.pool.errors import (
	CustomerLocked,
	NotInPool,
	NotOwner,
	NotPoolMember,
	PoolOperationError,
	PullNotAllowed,
	TotalLimitExceeded,
)
from crm_suite.services.pool.kinds import POOL_STATE, kind_of
from crm_suite.services.pool.limits import check_owned_limit
from crm_suite.services.pool.locks import lock_rows, lock_user
from crm_suite.services.pool.membership import (
	is_pool_admin,
	manages,
	pool_members,
	pool_settings,
	strategy_for,
)
from crm_suite.services.pool.moves import by_owner, move_to_pool, move_to_user, notify


def assign(names: list[str], to_user: str, doctype: str = "Customer Account", reason: str | None = None):
	"""Admin or manager assigns pool rows, or rows of their subordinates, to a subordinate (POOL-02b)."""
	kind = kind_of(doctype)
	actor = frappe.session.user
	if not (sees_everything(actor) or manages(actor, to_user)):
		frappe.throw(_("You can only assign to your subordinates."), NotOwner, title=_("Not Allowed"))
	lock_user(to_user)
	rows = lock_rows(kind, names)
	for row in rows:
		if row.locked:
			frappe.throw(_("{0} is locked.").format(row.name), CustomerLocked, title=_("Locked"))
		in_pool = row.lifecycle_state == POOL_STATE
		if in_pool and not (
			is_pool_admin(row.customer_pool, actor) or "CRM Manager" in frappe.get_roles(actor)
		):
			frappe.throw(_("Only pool admins and managers assign from the pool."), NotOwner)
		if not in_pool and not (
			row.salesperson and (sees_everything(actor) or manages(actor, row.salesperson))
		):
			frappe.throw(_("{0} is not yours to assign.").format(row.name), NotOwner, title=_("Not Allowed"))
	moving = [r for r in rows if r.salesperson != to_user]
	if not moving:
		frappe.throw(
			_("{0} already belong to {1}.").format(
				", ".join(r.name for r in rows), frappe.utils.get_fullname(to_user)
			),
			PoolOperationError,
			title=_("Nothing to Assign"),
		)
	for pool in {r.customer_pool for r in moving}:
		check_owned_limit(kind, to_user, pool, len(moving))
	move_to_user(kind, moving, to_user, "Assign", reason, keep_state=False)
	notify({to_user: len(moving)}, "{0} were assigned to you.", kind, moving[0].name if moving else None)
	notify(by_owner(moving), "{0} were reassigned away from you.", kind)
	return [r.name for r in moving]


def take_back(names: list[str], doctype: str = "Customer Account", reason: str | None = None):
	"""A pool admin or manager returns owned rows to their pool at any time (POOL-02b)."""
	kind = kind_of(doctype)
	actor = frappe.session.user
	rows = lock_rows(kind, names)
	for row in rows:
		if not row.salesperson:
			frappe.throw(_("{0} has no owner.").format(row.name), NotInPool)
		if not (is_pool_admin(row.customer_pool, actor) or manages(actor, row.salesperson)):
			frappe.throw(
				_("{0} is not yours to take back.").format(row.name), NotOwner, title=_("Not Allowed")
			)
	move_to_pool(kind, rows, "Take Back", reason)
	notify(by_owner(rows), "{0} were taken back into the pool.", kind)
	return [r.name for r in rows]


def push(pool: str, names: list[str] | None = None, count: int = 0, doctype: str = "Customer Account"):
	"""Push distribution (POOL-02e): pool rows to members, round robin or to the least loaded first."""
	kind = kind_of(doctype)
	actor = frappe.session.user
	if not is_pool_admin(pool, actor):
		frappe.throw(
			_("Only admins of pool {0} may distribute it.").format(pool), NotOwner, title=_("Not Allowed")
		)
	settings = pool_settings(kind, pool, ("distribution_mode", "push_method", "last_pushed_to"))
	if settings.distribution_mode == "Pull":
		frappe.throw(_("Pool {0} is not distributed by push.").format(pool), PullNotAllowed)
	members = pool_members(pool)
	if not members:
		frappe.throw(_("Pool {0} has no members.").format(pool), NotPoolMember)
	t = frappe.qb.DocType(kind.doctype)
	if not names:
		names = (
			frappe.qb.from_(t)
			.select(t.name)
			.where((t.customer_pool == pool) & (t.lifecycle_state == POOL_STATE) & (t.locked == 0))
			.orderby(t.name)
			.limit(count or 1)
			.run(pluck=True)
		)
	rows = [r for r in lock_rows(kind, names) if r.lifecycle_state == POOL_STATE and not r.locked]
	if not rows:
		return {}
	strategy = strategy_for(pool)
	load = dict.fromkeys(members, 0)
	counted = (
		frappe.qb.from_(t)
		.select(t.salesperson, Count("*"))
		.where(t.salesperson.isin(members) & t.lifecycle_state.isin(list(kind.owned_states)))
		.groupby(t.salesperson)
		.run()
	)
	load.update(dict(counted))
	plan = plan_push(
		[r.name for r in rows],
		members,
		load,
		settings.push_method,
		settings.last_pushed_to,
		strategy.max_owned,
	)
	if not plan:
		frappe.throw(_("Every member of pool {0} is at the owned limit.").format(pool), TotalLimitExceeded)
	by_name = {r.name: r for r in rows}
	per_user: dict[str, list] = {}
	for name, user in plan.items():
		per_user.setdefault(user, []).append(by_name[name])
	for user, user_rows in per_user.items():  # one UPDATE per member (a handful), not per row
		move_to_user(kind, user_rows, user, "Distribute")
	frappe.db.set_value(
		"Customer Pool", pool, "last_pushed_to", list(plan.values())[-1], update_modified=False
	)
	notify({u: len(r) for u, r in per_user.items()}, "{0} were distributed to you.", kind)
	return {u: [r.name for r in rs] for u, rs in per_user.items()}
