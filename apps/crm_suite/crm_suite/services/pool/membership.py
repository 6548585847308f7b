"""Pools, their strategies and their people (SPEC POOL-01, POOL-03): the default pool of a kind, a pool's
strategy and settings, its admins and members, and who may decide an application."""

import frappe
from frappe import _
from frappe.query_builder import Criterion

from crm_suite.permissions.scope import sees_everything, visible_users
from crm_suite.services.pool.errors import NotAllowedToDecide
from crm_suite.services.pool.kinds import Pooled

# A strategy's limits; zero means "no limit", and a site without any strategy has none.
STRATEGY_LIMITS = (
	"max_owned",
	"count_deal_customers",
	"max_claims_per_day",
	"reclaim_cooldown_days",
	"max_protected",
	"protection_days",
)


def default_pool(pool_type: str = "Customer") -> str | None:
	return frappe.db.get_value("Customer Pool", {"pool_type": pool_type, "is_default": 1}, "name") or (
		frappe.db.get_value("Customer Pool", {"pool_type": pool_type}, "name", order_by="creation asc")
	)


def strategy_for(pool: str | None) -> frappe._dict:
	"""The pool's own strategy, else the default one; zeros mean 'no limit'."""
	name = pool and frappe.get_cached_value("Customer Pool", pool, "strategy")
	name = name or frappe.db.get_value("Pool Strategy", {"is_default": 1}, "name")
	if not name:
		return frappe._dict.fromkeys(STRATEGY_LIMITS, 0)
	return frappe._dict(frappe.get_cached_doc("Pool Strategy", name).as_dict())


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
