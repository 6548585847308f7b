"""Module switches on a site (SPEC ORG-04): *CRM Suite Settings → Modules*.

A module switched off is, for everyone but the admins (CRM Admin, System Manager):
- gone from the Desk: its workspaces leave the sidebar, its doctypes the awesome bar and the menus (boot);
- blocked: its doctypes refuse reads and writes (403) and list as empty over REST and in reports, through
  one permission hook and one list condition for every doctype (`"*"` in hooks.py);
- quiet: its scheduled jobs do not run, its connections leave the customer form.
Nothing is deleted: switched on again, every document is where it was. A switch another needs cannot be
switched off while that one is on (Loyalty needs Orders & Payments); the message names both."""

import frappe
from frappe import _

from crm_suite.policies import modules as policy

APP = "crm_suite"
SETTINGS = "CRM Suite Settings"
CACHE_KEY = "crm_suite:modules_on"
BYPASS_ROLES = frozenset({"CRM Admin", "System Manager"})


class ModuleDependencyError(frappe.ValidationError):
	pass


def switches_on() -> frozenset[str]:
	def load():
		return sorted(_on(frappe.db.get_singles_dict(SETTINGS)))

	return frozenset(frappe.cache.get_value(CACHE_KEY, load))


def _on(values) -> set[str]:
	"""The switches on in `values` (the settings row or document); unset is on (sites before the switch)."""
	return {s.key for s in policy.SWITCHES if values.get(policy.field(s.key)) in (None, "", 1, "1", True)}


def clear_cache() -> None:
	frappe.cache.delete_value(CACHE_KEY)


def enabled(key: str) -> bool:
	return key in switches_on()


def off_modules() -> frozenset[str]:
	return policy.off_modules(set(switches_on()))


def _bypasses(user: str | None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(BYPASS_ROLES & set(frappe.get_roles(user)))


def blocked_doctype(doctype: str, user: str | None = None) -> bool:
	"""Whether `doctype` belongs to a switched-off module and `user` is not an admin."""
	off = off_modules()
	if not off or not doctype:
		return False
	try:
		module = frappe.get_meta(doctype).module
	except frappe.DoesNotExistError:
		return False
	return module in off and not _bypasses(user)


# --- the permission hooks of every doctype ("*") -------------------------------------------------------------


def has_permission(doc, ptype=None, user=None, debug=False):
	doctype = doc if isinstance(doc, str) else doc.doctype
	return False if blocked_doctype(doctype, user) else None


def query_conditions(user=None, doctype=None):
	return "1=0" if doctype and blocked_doctype(doctype, user) else ""


# --- the Desk ------------------------------------------------------------------------------------------------


def boot_session(bootinfo) -> None:
	"""Leave the switched-off modules out of what the Desk boots with: sidebar workspaces and the doctypes of the
	awesome bar, menus and links."""
	if _bypasses(frappe.session.user):
		return
	if bootinfo.get("allowed_workspaces"):
		bootinfo.allowed_workspaces = team_pages(bootinfo.allowed_workspaces)
	off = off_modules()
	if not off:
		return
	blocked = set(
		frappe.get_all(
			"DocType", filters={"module": ("in", sorted(off))}, pluck="name", ignore_permissions=True
		)
	)
	user = bootinfo.get("user") or {}
	for key in (
		"can_read",
		"can_write",
		"can_create",
		"can_select",
		"can_search",
		"can_get_report",
		"can_import",
		"can_export",
		"can_print",
		"can_email",
		"can_delete",
		"can_cancel",
		"can_submit",
	):
		if isinstance(user.get(key), list):
			user[key] = [d for d in user[key] if d not in blocked]


def sidebar_items():
	"""Frappe's sidebar call (`frappe.desk.desktop.get_workspace_sidebar_items`, routed here): the same pages
	without the switched-off modules' workspaces."""
	from frappe.desk.desktop import get_workspace_sidebar_items

	items = get_workspace_sidebar_items()
	if not _bypasses(frappe.session.user):
		items["pages"] = team_pages(items.get("pages") or [])
	return items


def team_pages(pages: list) -> list:
	"""The sidebar of the sales team (not the admins): the suite's public workspaces of the modules switched on
	— not Frappe's Build, Tools, Website, Integrations or Users, which are the admins' — and the user's own
	private workspaces."""
	suite = set(frappe.get_module_list(APP)) - off_modules()
	return [p for p in pages if p.get("module") in suite or (not p.get("public") and p.get("for_user"))]


def connections(groups: dict[str, list[str]]) -> dict[str, list[str]]:
	"""The customer form's connections without the switched-off modules."""
	off = off_modules()
	return {module: items for module, items in groups.items() if module not in off}


# --- settings ------------------------------------------------------------------------------------------------


def validate_settings(doc) -> None:
	"""Refuse a combination where a module is on and one it needs is off, explaining both."""
	unmet = policy.unmet_needs(_on(doc))
	if not unmet:
		return
	key, need = unmet[0]
	frappe.throw(
		_("{0} needs {1}: switch {1} on, or {0} off first.").format(
			_(policy.BY_KEY[key].label), _(policy.BY_KEY[need].label)
		),
		ModuleDependencyError,
		title=_("Modules"),
	)


def on_settings_update(doc) -> None:
	"""The new switches go into the cache at once (written, not deleted) and again once the save is committed, with
	the Desk's cached boot cleared: a cache that is only deleted is filled again by any request of another user
	running meanwhile — it still reads the old switches in its own transaction — and the module stayed on their
	Desk. Rolled back, the cache is dropped and read again from the database."""
	if any(doc.has_value_changed(policy.field(s.key)) for s in policy.SWITCHES):
		on = sorted(_on(doc))
		_remember(on)
		frappe.db.after_commit.add(lambda: _remember(on))
		frappe.db.after_rollback.add(clear_cache)


def _remember(on: list[str]) -> None:
	# kept by Frappe's clear_cache (hooks.persistent_cache_keys): never left empty for a stale request to fill
	frappe.cache.set_value(CACHE_KEY, on)
	frappe.clear_cache()  # the Desk's boot and sidebar are cached per user


def job_enabled(job: str) -> bool:
	key = policy.job_switch(job)
	return key is None or enabled(key)
