"""The public sea and lead pools (SPEC POOL-01..04, POOL-06..10, POOL-12).

Every operation decides inside one transaction: the acting user's row is locked first (serialises one
person's claims, so counting and claiming are one decision), then the customers' rows in name order
(`SELECT … FOR UPDATE`); limits are counted with locking reads too, because under REPEATABLE READ a
plain SELECT would read the snapshot taken before the lock was granted and miss a claim just committed; the move is one set-based UPDATE, the audit one bulk INSERT of Customer
Ownership Log rows, and the people affected get a Notification Log entry and a realtime event.
Ownership fields are never written through a document save: the controllers refuse that (see
`guard_ownership_fields`), so REST cannot bypass the rules enforced here.
"""

import functools
import random
import time
from dataclasses import dataclass

import frappe
from frappe import _
from frappe.query_builder import Criterion
from frappe.query_builder.functions import Coalesce, Count
from frappe.utils import add_days, get_datetime, getdate, now_datetime

from crm_suite.permissions.scope import sees_everything, visible_users
from crm_suite.services.notify import notify_users
from crm_suite.services.ownership import log_ownership_changes

POOL_STATE = "Pool"
FOLLOWING = "Following"
PENDING = "Pending"  # CUS-10: owned, imported or assigned, never contacted yet
SHELVED = "Shelved"
INVALID = "Invalid"
CLAIM_ACTION = "Claim"
# Fields only this module changes; a document save that touches them is refused.
GUARDED_FIELDS = (
	"salesperson",
	"customer_pool",
	"lifecycle_state",
	"claimed_on",
	"protected_until",
	"locked",
	"last_released_by",
	"last_released_on",
)


class PoolOperationError(frappe.ValidationError):
	pass


class NotInPool(PoolOperationError):
	pass


class NotPoolMember(PoolOperationError):
	pass


class PullNotAllowed(PoolOperationError):
	pass


class ClaimNeedsApproval(PoolOperationError):
	pass


class TotalLimitExceeded(PoolOperationError):
	pass


class DailyClaimLimitExceeded(PoolOperationError):
	pass


class ReclaimCooldown(PoolOperationError):
	pass


class CustomerProtected(PoolOperationError):
	pass


class ProtectionLimitExceeded(PoolOperationError):
	pass


class CustomerLocked(PoolOperationError):
	pass


class NotOwner(frappe.PermissionError):
	pass


class NotAllowedToDecide(frappe.PermissionError):
	pass


class OwnershipFieldsProtected(frappe.PermissionError):
	pass


class ReasonRequired(PoolOperationError):
	pass


@dataclass(frozen=True)
class Pooled:
	"""What the pool mechanics need to know about a pooled doctype (customers and leads)."""

	doctype: str
	log_field: str
	pool_type: str
	owned_states: tuple[str, ...]
	deal_state: str
	label: str
	# owned and still to be worked: what the recycle rules (POOL-05) look at
	active_states: tuple[str, ...] = (FOLLOWING,)


CUSTOMER = Pooled(
	"Customer Account",
	"customer",
	"Customer",
	(FOLLOWING, PENDING, SHELVED, "Deal"),
	"Deal",
	"customers",
	(FOLLOWING, PENDING),
)
LEAD = Pooled("Sales Lead", "sales_lead", "Lead", ("Following", "Qualified"), "Qualified", "leads")
KINDS = {k.doctype: k for k in (CUSTOMER, LEAD)}


def kind_of(doctype: str) -> Pooled:
	if doctype not in KINDS:
		frappe.throw(_("{0} has no pool").format(_(doctype)), PoolOperationError)
	return KINDS[doctype]


# ---------------------------------------------------------------------------------------------------------
# Pools, strategies and people


def default_pool(pool_type: str = "Customer") -> str | None:
	return frappe.db.get_value("Customer Pool", {"pool_type": pool_type, "is_default": 1}, "name") or (
		frappe.db.get_value("Customer Pool", {"pool_type": pool_type}, "name", order_by="creation asc")
	)


def strategy_for(pool: str | None) -> frappe._dict:
	"""The pool's own strategy, else the default one; zeros mean 'no limit'."""
	name = pool and frappe.get_cached_value("Customer Pool", pool, "strategy")
	name = name or frappe.db.get_value("Pool Strategy", {"is_default": 1}, "name")
	if not name:
		return frappe._dict(
			max_owned=0,
			count_deal_customers=0,
			max_claims_per_day=0,
			reclaim_cooldown_days=0,
			max_protected=0,
			protection_days=0,
		)
	return frappe._dict(frappe.get_cached_doc("Pool Strategy", name).as_dict())


def pool_admins(pool: str) -> set[str]:
	return set(
		frappe.get_all("Pool Admin", filters={"parent": pool, "parenttype": "Customer Pool"}, pluck="user")
	)


def is_pool_admin(pool: str | None, user: str) -> bool:
	return sees_everything(user) or bool(pool and user in pool_admins(pool))


def pool_members(pool: str) -> list[str]:
	"""Member users: those listed and the salespeople of listed departments (with sub-departments);
	a pool without members is open to every enabled salesperson."""
	rows = frappe.get_all(
		"Pool Member",
		filters={"parent": pool, "parenttype": "Customer Pool"},
		fields=["user", "sales_department"],
	)
	staff = frappe.qb.DocType("Sales Staff")
	query = (
		frappe.qb.from_(staff)
		.select(staff.user)
		.where((staff.enabled == 1) & (staff.manages_subordinates == 0))
	)
	if not rows:
		return sorted(set(query.run(pluck=True)))
	users = {r.user for r in rows if r.user}
	departments = [r.sales_department for r in rows if r.sales_department]
	if departments:
		dept = frappe.qb.DocType("Sales Department")
		bounds = frappe.get_all(
			"Sales Department", filters={"name": ("in", departments)}, fields=["lft", "rgt"]
		)
		within = frappe.qb.from_(dept).select(dept.name)
		within = within.where(Criterion.any([(dept.lft >= b.lft) & (dept.rgt <= b.rgt) for b in bounds]))
		users.update(query.where(staff.sales_department.isin(within)).run(pluck=True))
	return sorted(users)


def is_pool_member(pool: str, user: str) -> bool:
	return is_pool_admin(pool, user) or user in pool_members(pool)


def manages(manager: str, user: str) -> bool:
	"""`manager` is above `user` in the organisation (or sees everything); never true for oneself."""
	if manager == user:
		return False
	users = visible_users(manager)
	return users is None or user in users


def ensure_can_decide(decider: str, applicant: str, pool: str | None = None):
	"""Approvals (claim, transfer, invalid): a pool admin or the applicant's manager, never oneself."""
	if decider == applicant and decider != "Administrator":
		frappe.throw(
			_("You cannot approve your own application."), NotAllowedToDecide, title=_("Not Allowed")
		)
	if "CRM Salesperson" in frappe.get_roles(decider) and not (
		{"CRM Manager", "CRM Admin", "System Manager"} & set(frappe.get_roles(decider))
	):
		frappe.throw(
			_("A salesperson cannot approve applications."), NotAllowedToDecide, title=_("Not Allowed")
		)
	if manages(decider, applicant) or (pool and is_pool_admin(pool, decider)):
		return
	frappe.throw(
		_("Only a pool admin or the applicant's manager may decide this application."),
		NotAllowedToDecide,
		title=_("Not Allowed"),
	)


# ---------------------------------------------------------------------------------------------------------
# Deadlocks

DEADLOCK_ATTEMPTS = 4


def retry_on_deadlock(fn):
	"""Run a whole-transaction operation again when InnoDB picks it as a deadlock victim.

	Claims lock the claimer, then rows by name; the recycle job locks index ranges of overdue rows: under
	load the two can wait on each other, and InnoDB then rolls one back. The victim's transaction is
	undone whole (nothing half-written), so the operation is simply run again after a short, jittered
	pause, re-checking every limit; after the last attempt the error reaches the caller.
	"""

	@functools.wraps(fn)
	def wrapper(*args, **kwargs):
		for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
			try:
				return fn(*args, **kwargs)
			except frappe.QueryDeadlockError:
				frappe.db.rollback()
				if attempt == DEADLOCK_ATTEMPTS:
					raise
				time.sleep(random.uniform(0.02, 0.1) * attempt)

	return wrapper


# ---------------------------------------------------------------------------------------------------------
# Locks and counts


def lock_user(user: str):
	user_table = frappe.qb.DocType("User")
	frappe.qb.from_(user_table).select(user_table.name).where(user_table.name == user).for_update().run()


def _lock_rows(kind: Pooled, names: list[str]) -> list[frappe._dict]:
	if not names:
		return []
	t = frappe.qb.DocType(kind.doctype)
	rows = (
		frappe.qb.from_(t)
		.select(
			t.name,
			t.salesperson,
			t.customer_pool,
			t.lifecycle_state,
			t.protected_until,
			t.locked,
			t.last_released_by,
			t.last_released_on,
		)
		.where(t.name.isin(sorted(set(names))))
		.orderby(t.name)
		.for_update()
		.run(as_dict=True)
	)
	found = {r.name for r in rows}
	missing = sorted(set(names) - found)
	if missing:
		frappe.throw(
			_("{0} not found: {1}").format(_(kind.doctype), ", ".join(missing)), frappe.DoesNotExistError
		)
	return rows


def owned_count(kind: Pooled, user: str, count_deals: bool = True) -> int:
	t = frappe.qb.DocType(kind.doctype)
	states = [s for s in kind.owned_states if count_deals or s != kind.deal_state]
	return (
		frappe.qb.from_(t)
		.select(Count("*"))
		.where((t.salesperson == user) & t.lifecycle_state.isin(states))
		.for_update()  # a locking read sees the latest commit; a plain one, the transaction's old snapshot
		.run()[0][0]
	)


def claims_today(kind: Pooled, user: str) -> int:
	log = frappe.qb.DocType("Customer Ownership Log")
	start = get_datetime(getdate())
	return (
		frappe.qb.from_(log)
		.select(Count("*"))
		.where(
			(log.to_salesperson == user)
			& (log.done_at >= start)
			& (log.action == CLAIM_ACTION)
			& getattr(log, kind.log_field).isnotnull()
		)
		.for_update()
		.run()[0][0]
	)


def protected_count(kind: Pooled, user: str) -> int:
	t = frappe.qb.DocType(kind.doctype)
	return (
		frappe.qb.from_(t)
		.select(Count("*"))
		.where((t.salesperson == user) & (t.protected_until > now_datetime()))
		.for_update()
		.run()[0][0]
	)


def check_owned_limit(kind: Pooled, user: str, pool: str | None, adding: int):
	strategy = strategy_for(pool)
	if not strategy.max_owned:
		return
	owned = owned_count(kind, user, bool(strategy.count_deal_customers))
	if owned + adding > strategy.max_owned:
		frappe.throw(
			_("Limit reached: {0} already owns {1} {2}; the limit is {3}.").format(
				frappe.utils.get_fullname(user), owned, _(kind.label), strategy.max_owned
			),
			TotalLimitExceeded,
			title=_("Owned Limit Reached"),
		)


def check_daily_limit(kind: Pooled, user: str, pool: str | None, adding: int):
	strategy = strategy_for(pool)
	if not strategy.max_claims_per_day:
		return
	today = claims_today(kind, user)
	if today + adding > strategy.max_claims_per_day:
		frappe.throw(
			_("Daily claim limit reached: {0} claimed today; the limit is {1} a day.").format(
				today, strategy.max_claims_per_day
			),
			DailyClaimLimitExceeded,
			title=_("Daily Claim Limit Reached"),
		)


def claim_refusal(row: frappe._dict, user: str, now) -> tuple | None:
	"""Why `user` may not claim `row` now: (exception class, message, title), or None."""
	if row.lifecycle_state != POOL_STATE or row.salesperson:
		holder = frappe.utils.get_fullname(row.salesperson) if row.salesperson else _(row.lifecycle_state)
		return (
			NotInPool,
			_("{0} is no longer in the pool; it belongs to {1}.").format(row.name, holder),
			_("Already Taken"),
		)
	if row.locked:
		return CustomerLocked, _("{0} is locked.").format(row.name), _("Locked")
	if row.protected_until and get_datetime(row.protected_until) > now and row.last_released_by != user:
		return CustomerProtected, _("{0} is protected.").format(row.name), _("Protected")
	cooldown = strategy_for(row.customer_pool).reclaim_cooldown_days
	if (
		cooldown
		and row.last_released_by == user
		and row.last_released_on
		and get_datetime(row.last_released_on) > add_days(now, -cooldown)
	):
		return (
			ReclaimCooldown,
			_("You released {0} recently; you may claim it again after {1} days.").format(row.name, cooldown),
			_("Re-claim Cooldown"),
		)
	return None


def check_claimable(row: frappe._dict, user: str, now):
	refusal = claim_refusal(row, user, now)
	if refusal:
		exc, message, title = refusal
		frappe.throw(message, exc, title=title)


def pool_settings(kind: Pooled, pool: str | None, fields: tuple[str, ...]) -> frappe._dict:
	"""A pool's settings; a 404 when `pool` is no pool of this kind (never an AttributeError on None)."""
	settings = pool and frappe.db.get_value("Customer Pool", pool, ["pool_type", *fields], as_dict=True)
	if not settings or settings.pool_type != kind.pool_type:
		frappe.throw(
			_("{0} {1} not found").format(_("Customer Pool"), pool or ""),
			frappe.DoesNotExistError,
			title=_("Not Found"),
		)
	return settings


def _check_pool_allows_pull(kind: Pooled, pool: str | None, user: str, approved: bool):
	if not pool:
		return
	settings = frappe.get_cached_value(
		"Customer Pool", pool, ["distribution_mode", "claim_needs_approval"], as_dict=True
	)
	if not settings:
		frappe.throw(
			_("{0} {1} not found").format(_("Customer Pool"), pool),
			frappe.DoesNotExistError,
			title=_("Not Found"),
		)
	if not is_pool_member(pool, user):
		frappe.throw(
			_("{0} is not a member of pool {1}.").format(frappe.utils.get_fullname(user), pool),
			NotPoolMember,
			title=_("Not a Pool Member"),
		)
	if approved:
		return
	if settings.distribution_mode == "Push" and not is_pool_admin(pool, user):
		frappe.throw(_("Pool {0} is distributed by its admins only.").format(pool), PullNotAllowed)
	if settings.claim_needs_approval and not is_pool_admin(pool, user):
		frappe.throw(
			_("Claims from pool {0} need approval: apply to claim instead.").format(pool),
			ClaimNeedsApproval,
			title=_("Approval Needed"),
		)


# ---------------------------------------------------------------------------------------------------------
# The move: one UPDATE, one bulk log insert, notifications


def _staff_department(user: str) -> str | None:
	return frappe.db.get_value("Sales Staff", user, "sales_department")


def _move_to_user(
	kind: Pooled, rows: list, user: str, action: str, reason: str | None = None, keep_state=False
):
	t = frappe.qb.DocType(kind.doctype)
	now = now_datetime()
	update = (
		frappe.qb.update(t)
		.set(t.salesperson, user)
		.set(t.sales_department, _staff_department(user))
		.set(t.claimed_on, now)
		.set(t.modified, now)
		.set(t.modified_by, frappe.session.user)
	)
	if not keep_state:
		update = update.set(t.lifecycle_state, FOLLOWING)
	update.where(t.name.isin([r.name for r in rows])).run()
	log_ownership_changes(
		[
			{
				kind.log_field: r.name,
				"from_salesperson": r.salesperson,
				"to_salesperson": user,
				"from_pool": r.customer_pool if r.lifecycle_state == POOL_STATE else None,
			}
			for r in rows
		],
		action,
		reason,
	)


def _move_to_pool(kind: Pooled, rows: list, action: str, reason: str | None = None, pool: str | None = None):
	t = frappe.qb.DocType(kind.doctype)
	now = now_datetime()
	target = pool or default_pool(kind.pool_type)
	names = [r.name for r in rows]
	# MariaDB assigns left to right: remember the owner before clearing it.
	update = (
		frappe.qb.update(t)
		.set(t.last_released_by, t.salesperson)
		.set(t.last_released_on, now)
		.set(t.salesperson, None)
		.set(t.sales_department, None)
		.set(t.lifecycle_state, POOL_STATE)
		.set(t.protected_until, None)
		.set(t.modified, now)
		.set(t.modified_by, frappe.session.user)
	)
	if pool:
		update = update.set(t.customer_pool, pool)
	else:
		update = update.set(t.customer_pool, Coalesce(t.customer_pool, target))
	update.where(t.name.isin(names)).run()
	log_ownership_changes(
		[
			{
				kind.log_field: r.name,
				"from_salesperson": r.salesperson,
				"to_pool": pool or r.customer_pool or target,
			}
			for r in rows
		],
		action,
		reason,
	)


def _notify(user_counts: dict[str, int], message: str, kind: Pooled, name: str | None = None):
	"""`message` is an untranslated source text with {0} for the count (translated per recipient)."""
	notify_users(
		{u: n for u, n in user_counts.items() if u and u != frappe.session.user},
		message,
		kind.doctype,
		name,
	)


def _by_owner(rows) -> dict[str, int]:
	counts: dict[str, int] = {}
	for r in rows:
		if r.salesperson:
			counts[r.salesperson] = counts.get(r.salesperson, 0) + 1
	return counts


# ---------------------------------------------------------------------------------------------------------
# Operations


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
	rows = _lock_rows(kind, names)
	now = now_datetime()
	for row in rows:
		check_claimable(row, user, now)
	pools: dict[str | None, int] = {}
	for row in rows:
		pools[row.customer_pool] = pools.get(row.customer_pool, 0) + 1
	for pool, count in pools.items():
		_check_pool_allows_pull(kind, pool, user, approved=bool(approved_by))
		check_owned_limit(kind, user, pool, len(rows))
		check_daily_limit(kind, user, pool, count)
	_move_to_user(kind, rows, user, CLAIM_ACTION, reason)
	if approved_by:
		_notify(
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
	_check_pool_allows_pull(kind, pool, user, approved=False)
	check_owned_limit(kind, user, pool, count)
	check_daily_limit(kind, user, pool, count)
	t = frappe.qb.DocType(kind.doctype)
	in_pool = (t.customer_pool == pool) & (t.lifecycle_state == POOL_STATE) & (t.locked == 0)
	available = frappe.qb.from_(t).select(Count("*")).where(in_pool).run()[0][0]
	if not available:
		frappe.throw(_("Pool {0} is empty.").format(pool), NotInPool, title=_("Empty Pool"))
	import random

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
	rows = [r for r in _lock_rows(kind, names) if r.lifecycle_state == POOL_STATE and not r.salesperson]
	now = now_datetime()
	rows = [r for r in rows if not claim_refusal(r, user, now)]
	if not rows:
		frappe.throw(_("Nothing left to claim in pool {0}.").format(pool), NotInPool, title=_("Empty Pool"))
	_move_to_user(kind, rows, user, CLAIM_ACTION, _("Random claim"))
	return [r.name for r in rows]


def assign(names: list[str], to_user: str, doctype: str = "Customer Account", reason: str | None = None):
	"""Admin or manager assigns pool rows, or rows of their subordinates, to a subordinate (POOL-02b)."""
	kind = kind_of(doctype)
	actor = frappe.session.user
	if not (sees_everything(actor) or manages(actor, to_user)):
		frappe.throw(_("You can only assign to your subordinates."), NotOwner, title=_("Not Allowed"))
	lock_user(to_user)
	rows = _lock_rows(kind, names)
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
	_move_to_user(kind, moving, to_user, "Assign", reason, keep_state=False)
	_notify({to_user: len(moving)}, "{0} were assigned to you.", kind, moving[0].name if moving else None)
	_notify(_by_owner(moving), "{0} were reassigned away from you.", kind)
	return [r.name for r in moving]


def take_back(names: list[str], doctype: str = "Customer Account", reason: str | None = None):
	"""A pool admin or manager returns owned rows to their pool at any time (POOL-02b)."""
	kind = kind_of(doctype)
	actor = frappe.session.user
	rows = _lock_rows(kind, names)
	for row in rows:
		if not row.salesperson:
			frappe.throw(_("{0} has no owner.").format(row.name), NotInPool)
		if not (is_pool_admin(row.customer_pool, actor) or manages(actor, row.salesperson)):
			frappe.throw(
				_("{0} is not yours to take back.").format(row.name), NotOwner, title=_("Not Allowed")
			)
	_move_to_pool(kind, rows, "Take Back", reason)
	_notify(_by_owner(rows), "{0} were taken back into the pool.", kind)
	return [r.name for r in rows]


def abandon(names: list[str], reason: str, doctype: str = "Customer Account"):
	"""The owner returns rows to their pool with a reason, singly or in bulk (POOL-06)."""
	kind = kind_of(doctype)
	if not (reason or "").strip():
		frappe.throw(_("Please give a reason for abandoning."), ReasonRequired, title=_("Reason Required"))
	actor = frappe.session.user
	rows = _lock_rows(kind, names)
	for row in rows:
		if row.salesperson != actor and not (row.salesperson and manages(actor, row.salesperson)):
			frappe.throw(_("{0} is not yours to abandon.").format(row.name), NotOwner, title=_("Not Allowed"))
		if row.locked:
			frappe.throw(_("{0} is locked.").format(row.name), CustomerLocked, title=_("Locked"))
	_move_to_pool(kind, rows, "Abandon", reason)
	_notify(_by_owner(rows), "{0} were returned to the pool.", kind)
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
	rows = [r for r in _lock_rows(kind, names) if r.lifecycle_state == POOL_STATE and not r.locked]
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
		_move_to_user(kind, user_rows, user, "Distribute")
	frappe.db.set_value(
		"Customer Pool", pool, "last_pushed_to", list(plan.values())[-1], update_modified=False
	)
	_notify({u: len(r) for u, r in per_user.items()}, "{0} were distributed to you.", kind)
	return {u: [r.name for r in rs] for u, rs in per_user.items()}


def plan_push(names, members, load, method, last_pushed_to, max_owned) -> dict[str, str]:
	"""name -> member. Round robin continues after the last member pushed to; least loaded picks the
	member owning fewest each time. Members at the owned limit are skipped."""
	import heapq

	members = sorted(members)
	plan = {}
	if method == "Least Loaded":
		heap = [(load.get(m, 0), m) for m in members]
		heapq.heapify(heap)
		for name in names:
			while heap and max_owned and heap[0][0] >= max_owned:
				heapq.heappop(heap)
			if not heap:
				break
			owned, member = heapq.heappop(heap)
			plan[name] = member
			heapq.heappush(heap, (owned + 1, member))
		return plan
	start = members.index(last_pushed_to) + 1 if last_pushed_to in members else 0
	order = members[start:] + members[:start]
	counts = {m: load.get(m, 0) for m in members}
	i = 0
	for name in names:
		for _attempt in range(len(order)):
			member = order[i % len(order)]
			i += 1
			if not max_owned or counts[member] < max_owned:
				plan[name] = member
				counts[member] += 1
				break
		else:
			break
	return plan


def transfer(name: str, to_user: str, expected_from: str | None = None, reason: str | None = None):
	"""Move an owned customer to another salesperson (POOL-07); called when a transfer is approved."""
	kind = CUSTOMER
	lock_user(to_user)
	(row,) = _lock_rows(kind, [name])
	if not row.salesperson or (expected_from and row.salesperson != expected_from):
		frappe.throw(_("{0} changed owner since the request was made.").format(name), NotOwner)
	if row.locked:
		frappe.throw(_("{0} is locked.").format(name), CustomerLocked, title=_("Locked"))
	check_owned_limit(kind, to_user, row.customer_pool, 1)
	_move_to_user(kind, [row], to_user, "Transfer", reason, keep_state=True)
	_notify({to_user: 1}, "{0} were transferred to you.", kind, name)
	_notify({row.salesperson: 1}, "{0} were transferred away from you.", kind, name)


def mark_invalid(name: str, reason: str | None = None, expected_owner: str | None = None):
	"""An approved invalid-customer application (POOL-08): no owner, state Invalid, logged. The owner is
	checked again under the row lock: an application made by a former owner approves nothing."""
	kind = CUSTOMER
	(row,) = _lock_rows(kind, [name])
	if expected_owner and row.salesperson != expected_owner:
		frappe.throw(
			_("{0} changed owner since the application was made.").format(name),
			NotOwner,
			title=_("Not Allowed"),
		)
	if row.locked:
		frappe.throw(_("{0} is locked.").format(name), CustomerLocked, title=_("Locked"))
	t = frappe.qb.DocType(kind.doctype)
	now = now_datetime()
	(
		frappe.qb.update(t)
		.set(t.last_released_by, t.salesperson)
		.set(t.last_released_on, now)
		.set(t.salesperson, None)
		.set(t.sales_department, None)
		.set(t.lifecycle_state, INVALID)
		.set(t.protected_until, None)
		.set(t.modified, now)
		.where(t.name == name)
		.run()
	)
	log_ownership_changes(
		[{"customer": name, "from_salesperson": row.salesperson, "from_pool": row.customer_pool}],
		"Invalid",
		reason,
	)
	_notify({row.salesperson: 1}, "{0} were marked invalid.", kind, name)


def _owned_rows(kind: Pooled, names: list[str]) -> list:
	actor = frappe.session.user
	rows = _lock_rows(kind, names)
	for row in rows:
		if row.salesperson != actor and not (row.salesperson and manages(actor, row.salesperson)):
			frappe.throw(_("{0} is not yours.").format(row.name), NotOwner, title=_("Not Allowed"))
	return rows


def _set_state(kind: Pooled, names: list[str], **values):
	t = frappe.qb.DocType(kind.doctype)
	update = frappe.qb.update(t).set(t.modified, now_datetime())
	for field, value in values.items():
		update = update.set(getattr(t, field), value)
	update.where(t.name.isin(names)).run()


def shelve(names: list[str], doctype: str = "Customer Account"):
	kind = kind_of(doctype)
	rows = _owned_rows(kind, names)
	bad = [r.name for r in rows if r.lifecycle_state != FOLLOWING]
	if bad:
		frappe.throw(
			_("Only customers being followed can be shelved: {0}").format(", ".join(bad)), PoolOperationError
		)
	_set_state(kind, [r.name for r in rows], lifecycle_state=SHELVED)
	return [r.name for r in rows]


def unshelve(names: list[str], doctype: str = "Customer Account"):
	kind = kind_of(doctype)
	rows = _owned_rows(kind, names)
	bad = [r.name for r in rows if r.lifecycle_state != SHELVED]
	if bad:
		frappe.throw(_("Not shelved: {0}").format(", ".join(bad)), PoolOperationError)
	_set_state(kind, [r.name for r in rows], lifecycle_state=FOLLOWING)
	return [r.name for r in rows]


def protect(names: list[str], doctype: str = "Customer Account", on: bool = True):
	"""Protection (POOL-04): up to the strategy's maximum, for its protection period."""
	kind = kind_of(doctype)
	actor = frappe.session.user
	lock_user(actor)
	rows = _owned_rows(kind, names)
	if not on:
		_set_state(kind, [r.name for r in rows], protected_until=None)
		return [r.name for r in rows]
	now = now_datetime()
	for owner in {r.salesperson for r in rows}:
		mine = [r for r in rows if r.salesperson == owner]
		strategy = strategy_for(mine[0].customer_pool)
		new = [r for r in mine if not (r.protected_until and get_datetime(r.protected_until) > now)]
		already = protected_count(kind, owner)
		if already + len(new) > (strategy.max_protected or 0):
			frappe.throw(
				_("Protection limit reached: {0} protected; the limit is {1}.").format(
					already, strategy.max_protected or 0
				),
				ProtectionLimitExceeded,
				title=_("Protection Limit Reached"),
			)
		_set_state(kind, [r.name for r in mine], protected_until=add_days(now, strategy.protection_days or 1))
	return [r.name for r in rows]


def lock(names: list[str], doctype: str = "Customer Account", on: bool = True):
	"""An admin or manager locks rows: no claim, abandon, transfer or recycle until unlocked."""
	kind = kind_of(doctype)
	actor = frappe.session.user
	rows = _lock_rows(kind, names)
	for row in rows:
		if not (
			is_pool_admin(row.customer_pool, actor) or (row.salesperson and manages(actor, row.salesperson))
		):
			frappe.throw(_("Only admins and managers lock records."), NotOwner, title=_("Not Allowed"))
	_set_state(kind, [r.name for r in rows], locked=int(on))
	return [r.name for r in rows]


def share(name: str, users: list[str], write: bool = False):
	"""Share one owned customer with colleagues for collaborative follow-up (POOL-09, Frappe DocShare).

	Obeys System Settings → Disable Document Sharing, as Frappe's own share does; colleagues are enabled
	Desk users (not Website Users, not disabled, not unknown), never the sharer."""
	if frappe.get_system_settings("disable_document_sharing"):
		frappe.throw(
			_("Document sharing is disabled on this site."), frappe.PermissionError, title=_("Not Allowed")
		)
	users = list(dict.fromkeys(users))
	check_share_targets(users)
	(row,) = _owned_rows(CUSTOMER, [name])
	for user in users:  # a handful of colleagues; DocShare keeps one row per user
		frappe.share.add_docshare(
			CUSTOMER.doctype,
			row.name,
			user,
			read=1,
			write=int(write),
			share=0,
			notify=0,
			flags={"ignore_share_permission": True},
		)
	_notify(dict.fromkeys(users, 1), "{0} were shared with you.", CUSTOMER, name)
	return users


class InvalidShareTarget(frappe.ValidationError):
	pass


def check_share_targets(users: list[str]):
	"""Every user to share with exists, is enabled and is a Desk (System) user other than oneself."""
	user_table = frappe.qb.DocType("User")
	found = {
		r.name: r
		for r in frappe.qb.from_(user_table)
		.select(user_table.name, user_table.enabled, user_table.user_type)
		.where(user_table.name.isin(users))
		.run(as_dict=True)
	}
	bad = [
		u
		for u in users
		if u not in found
		or not found[u].enabled
		or found[u].user_type != "System User"
		or u in ("Guest", "Administrator", frappe.session.user)
	]
	if bad:
		frappe.throw(
			_("Customers can only be shared with enabled colleagues: {0}").format(", ".join(bad)),
			InvalidShareTarget,
			title=_("Invalid User"),
		)


class ApplicationFieldsFixed(frappe.ValidationError):
	pass


def guard_application_fields(doc, fieldnames: tuple[str, ...]):
	"""Applications (claim, transfer, invalid) are decided on what was applied for: once made, the
	customer (and the transfer's target) never change, so an approval cannot approve something else."""
	if doc.is_new():
		return
	before = doc.get_doc_before_save()
	changed = [f for f in fieldnames if before and (before.get(f) or None) != (doc.get(f) or None)]
	if changed:
		frappe.throw(
			_("{0} cannot be changed once the application is made.").format(
				", ".join(_(doc.meta.get_label(f)) for f in changed)
			),
			ApplicationFieldsFixed,
			title=_("Not Allowed"),
		)


def guard_ownership_fields(doc):
	"""Called from the pooled doctypes' validate(): ownership changes go through this module only."""
	if doc.flags.pool_service or frappe.flags.in_install or frappe.flags.in_migrate or frappe.flags.in_import:
		return
	if doc.is_new():
		user = frappe.session.user
		if doc.salesperson and doc.salesperson != user:
			users = visible_users(user)
			if users is not None and doc.salesperson not in users:
				frappe.throw(
					_("You cannot create records for {0}.").format(doc.salesperson), OwnershipFieldsProtected
				)
		return
	before = doc.get_doc_before_save()
	if not before:
		return
	changed = [
		f
		for f in GUARDED_FIELDS
		if doc.meta.has_field(f) and _comparable(doc, f, before.get(f)) != _comparable(doc, f, doc.get(f))
	]
	if changed:
		frappe.throw(
			_("Ownership fields change only through pool operations: {0}").format(
				", ".join(_(doc.meta.get_label(f)) for f in changed)
			),
			OwnershipFieldsProtected,
			title=_("Not Allowed"),
		)


def _comparable(doc, fieldname: str, value):
	fieldtype = doc.meta.get_field(fieldname).fieldtype
	if fieldtype == "Check":
		return frappe.utils.cint(value)
	if fieldtype == "Datetime":
		return get_datetime(value).replace(microsecond=0) if value else None
	return value or None
