"""Role checks (SPEC ORG-02): who may call an endpoint, and which roles a user may hand out.

`frappe.only_for` lets every role through while `frappe.flags.in_test` is set, so guards check
`frappe.get_roles()` themselves and tests exercise them at every layer.
"""

import frappe
from frappe import _

# The sales staff's desk roles (pool, call centre endpoints) and the administrators among them.
STAFF_ROLES = ("CRM Salesperson", "CRM Manager", "CRM Admin", "System Manager")
ADMIN_ROLES = ("CRM Admin", "System Manager")
# Roles only a System Manager may map to a position or grant.
PROTECTED_ROLES = frozenset({"System Manager", "Administrator"})
# Roles a CRM Admin hands out to the sales staff it organises, beside the roles it holds itself.
DELEGATED_ROLES = {"CRM Admin": frozenset({"CRM Manager", "CRM Salesperson"})}


def require_roles(*roles: str, message: str | None = None) -> None:
	"""Refuse (PermissionError, 403) unless the session user holds one of `roles`."""
	if frappe.session.user == "Administrator" or set(roles) & set(frappe.get_roles()):
		return
	frappe.throw(
		message or _("You do not have a role that may do this ({0}).").format(", ".join(_(r) for r in roles)),
		frappe.PermissionError,
		title=_("Not Permitted"),
	)


def grantable_roles(user: str | None = None) -> frozenset[str] | None:
	"""The roles `user` may map to a position or grant, or None when any role (System Manager)."""
	user = user or frappe.session.user
	held = set(frappe.get_roles(user))
	if user == "Administrator" or "System Manager" in held:
		return None
	for role in list(held):
		held |= DELEGATED_ROLES.get(role, frozenset())
	return frozenset(held - PROTECTED_ROLES - {"All", "Guest"})


def check_grantable(roles, user: str | None = None) -> None:
	"""Refuse when `roles` holds a role `user` may not hand out (SPEC ORG-02: no privilege escalation)."""
	allowed = grantable_roles(user)
	if allowed is None:
		return
	refused = sorted(set(filter(None, roles)) - allowed)
	if refused:
		frappe.throw(
			_(
				"You may not grant the role(s) {0}: only a System Manager may grant a role you do not hold."
			).format(", ".join(_(r) for r in refused)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
