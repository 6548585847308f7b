"""Which users' records may a user see (SPEC ORG-03): self, a manager's department subtree, or everyone.

Answered from Sales Staff / Sales Position / Sales Department and cached per user in Redis; any change
to the organisation clears the cache (doc_events in hooks.py).
"""

import frappe

ADMIN_ROLES = frozenset({"CRM Admin", "System Manager", "Administrator"})
_CACHE_KEY = "crm_suite:visible_users"


def sees_everything(user: str) -> bool:
	return user == "Administrator" or bool(ADMIN_ROLES.intersection(frappe.get_roles(user)))


def visible_users(user: str | None = None) -> list[str] | None:
	"""The users whose customers `user` may see, or None when the user sees all."""
	user = user or frappe.session.user
	if sees_everything(user):
		return None
	cached = frappe.cache.hget(_CACHE_KEY, user)
	if cached is not None:
		return cached
	users = _compute_visible_users(user)
	frappe.cache.hset(_CACHE_KEY, user, users)
	return users


def _compute_visible_users(user: str) -> list[str]:
	staff = frappe.qb.DocType("Sales Staff")
	me = (
		frappe.qb.from_(staff)
		.select(staff.sales_department, staff.manages_subordinates)
		.where((staff.user == user) & (staff.enabled == 1))
		.run(as_dict=True)
	)
	if not me or not me[0].manages_subordinates or not me[0].sales_department:
		return [user]
	dept = frappe.qb.DocType("Sales Department")
	bounds = frappe.db.get_value("Sales Department", me[0].sales_department, ["lft", "rgt"], as_dict=True)
	if not bounds:
		return [user]
	subtree = (
		frappe.qb.from_(staff)
		.join(dept)
		.on(dept.name == staff.sales_department)
		.select(staff.user)
		.where((dept.lft >= bounds.lft) & (dept.rgt <= bounds.rgt))
	)
	return sorted({user, *(row[0] for row in subtree.run())})


def clear_scope_cache(doc=None, method=None):
	frappe.cache.delete_value(_CACHE_KEY)
