"""Which users' records may a user see (SPEC ORG-03): self, a manager's department subtree, or everyone.

Answered from Sales Staff / Sales Position / Sales Department and cached per user in Redis; any change
to the organisation clears the cache (doc_events in hooks.py).
"""

import frappe

from crm_suite.permissions.roles import ADMIN_ROLES as _ADMIN_ROLES
from crm_suite.permissions.roles import STAFF_ROLES

# the role lists live in permissions/roles.py; Administrator always sees everything
ADMIN_ROLES = frozenset({*_ADMIN_ROLES, "Administrator"})
CRM_ROLES = frozenset(STAFF_ROLES)
_CACHE_KEY = "crm_suite:visible_users"


def sees_everything(user: str) -> bool:
	return user == "Administrator" or bool(ADMIN_ROLES.intersection(frappe.get_roles(user)))


def is_crm_desk_user(user: str | None = None) -> bool:
	"""A Desk (System) user holding a CRM role: not a Website User, a device user or Guest. Checked by
	hand, as frappe.only_for lets everyone through in tests."""
	user = user or frappe.session.user
	if user == "Administrator":
		return True
	if not user or user == "Guest" or frappe.db.get_value("User", user, "user_type") != "System User":
		return False
	return bool(CRM_ROLES.intersection(frappe.get_roles(user)))


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
