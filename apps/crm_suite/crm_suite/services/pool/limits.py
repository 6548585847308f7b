"""What a pool lets a user take (SPEC POOL-02, POOL-03, POOL-04): the strategy's limits counted with locking
reads (under REPEATABLE READ a plain SELECT reads the snapshot taken before the user's lock was granted and
misses a claim just committed), each row's claim refusal, and whether the pool may be pulled from at all."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import get_datetime, getdate, now_datetime

from crm_suite.policies import pool_rules
from crm_suite.services.pool.errors import (
	ClaimNeedsApproval,
	CustomerLocked,
	CustomerProtected,
	DailyClaimLimitExceeded,
	NotInPool,
	NotPoolMember,
	ProtectionLimitExceeded,
	PullNotAllowed,
	ReclaimCooldown,
	TotalLimitExceeded,
)
from crm_suite.services.pool.kinds import CLAIM_ACTION, POOL_STATE, Pooled
from crm_suite.services.pool.membership import is_pool_admin, is_pool_member, strategy_for


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


def check_protection_limit(kind: Pooled, user: str, strategy: frappe._dict, adding: int):
	already = protected_count(kind, user)
	if already + adding > (strategy.max_protected or 0):
		frappe.throw(
			_("Protection limit reached: {0} protected; the limit is {1}.").format(
				already, strategy.max_protected or 0
			),
			ProtectionLimitExceeded,
			title=_("Protection Limit Reached"),
		)


def claim_refusal(row: frappe._dict, user: str, now) -> tuple | None:
	"""Why `user` may not claim `row` now: (exception class, message, title), or None."""
	cooldown = strategy_for(row.customer_pool).reclaim_cooldown_days
	reason = pool_rules.claim_refusal(
		in_pool=row.lifecycle_state == POOL_STATE and not row.salesperson,
		locked=bool(row.locked),
		protected_until=get_datetime(row.protected_until) if row.protected_until else None,
		last_released_by=row.last_released_by,
		last_released_on=get_datetime(row.last_released_on) if row.last_released_on else None,
		user=user,
		now=now,
		cooldown_days=cooldown,
	)
	if reason == pool_rules.TAKEN:
		holder = frappe.utils.get_fullname(row.salesperson) if row.salesperson else _(row.lifecycle_state)
		return (
			NotInPool,
			_("{0} is no longer in the pool; it belongs to {1}.").format(row.name, holder),
			_("Already Taken"),
		)
	if reason == pool_rules.LOCKED:
		return CustomerLocked, _("{0} is locked.").format(row.name), _("Locked")
	if reason == pool_rules.PROTECTED:
		return CustomerProtected, _("{0} is protected.").format(row.name), _("Protected")
	if reason == pool_rules.COOLDOWN:
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


def check_pool_allows_pull(kind: Pooled, pool: str | None, user: str, approved: bool):
	"""Members only; a push-only pool or one whose claims need approval is pulled from by its admins (and
	by an approved application)."""
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
