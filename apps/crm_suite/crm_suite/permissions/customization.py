"""CRM Admins customise the suite with no code and without System Manager (SPEC ORG-01, ORG-02).

A CRM Admin adds fields (Custom Field, Customize Form), changes field and form properties (Property Setter:
labels, list columns, order, mandatory …), writes Notifications and Assignment Rules and edits the public
workspaces — of the suite's own doctypes (and the customers' Contact), never of the rest of the site, which
stays the System Manager's. Nothing they customise can hand anyone more than they had:

- no field property that opens data: `permlevel` (a masked number moved to level 0), `ignore_user_permissions`,
  `fetch_from` / `fetch_if_empty` (a level-0 copy of a masked field);
- no code: templates and conditions of Notifications and Assignment Rules are written from the document's own
  fields (no `frappe.…` calls, which would run with whoever triggers them), and name no masked field (a digest
  of numbers to someone who may not read them);
- no silent ownership change: a Notification may not set a pool-guarded field after it is sent (that would
  move a customer without the transfer service, its locks and its audit).

The rules are checked in `validate` of each doctype (the REST, the form and Customize Form all save through
it) and a CRM Admin's lists of these doctypes show only the suite's rows."""

import re

import frappe
from frappe import _

from crm_suite.permissions.ownership_fields import GUARDED_FIELDS

CUSTOMIZER_ROLES = frozenset({"CRM Admin"})
SITE_ADMIN_ROLES = frozenset({"System Manager"})
APP = "crm_suite"
# Core doctypes the suite extends and its admins customise beside its own.
EXTENDED_DOCTYPES = ("Contact",)
# The field naming the customised doctype, per customisation doctype.
TARGET_FIELD = {
	"Custom Field": "dt",
	"Property Setter": "doc_type",
	"Notification": "document_type",
	"Assignment Rule": "document_type",
}
# Field properties that would open data, for a System Manager only.
OPENING_PROPERTIES = frozenset({"permlevel", "ignore_user_permissions", "fetch_from", "fetch_if_empty"})
# Notification / Assignment Rule fields holding a template or an expression.
EXPRESSION_FIELDS = {
	"Notification": ("subject", "message", "condition"),
	"Assignment Rule": ("assign_condition", "unassign_condition", "close_condition", "description"),
}
_CODE = re.compile(r"\bfrappe\b|__|\bimport\b|\bgetattr\b")


class CustomizationNotAllowed(frappe.PermissionError):
	pass


def is_site_admin(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(SITE_ADMIN_ROLES & set(frappe.get_roles(user)))


def is_customizer(user: str | None = None) -> bool:
	return bool(CUSTOMIZER_ROLES & set(frappe.get_roles(user or frappe.session.user)))


def suite_modules() -> list[str]:
	return frappe.get_module_list(APP)


def suite_doctypes() -> frozenset[str]:
	"""The doctypes a CRM Admin customises: the app's own (not child tables of Frappe's) and Contact."""

	def load():
		names = frappe.get_all("DocType", filters={"module": ("in", suite_modules())}, pluck="name")
		return sorted({*names, *EXTENDED_DOCTYPES})

	return frozenset(frappe.cache.get_value("crm_suite:suite_doctypes", load))


def clear_cache(*_args, **_kwargs) -> None:
	frappe.cache.delete_value("crm_suite:suite_doctypes")


def _refuse(message: str) -> None:
	frappe.throw(message, CustomizationNotAllowed, title=_("Not Permitted"))


def _guarded(doc) -> bool:
	"""Whether the rules apply to this save: a CRM Admin's, not a System Manager's, an install's or a migration's
	(those run as Administrator and write the app's own customisations)."""
	if frappe.flags.in_install or frappe.flags.in_migrate or frappe.flags.in_patch:
		return False
	return not is_site_admin()


# --- permission hooks ----------------------------------------------------------------------------------------


def has_permission(doc, ptype=None, user=None, debug=False):
	"""A CRM Admin reaches customisations of the suite's doctypes only; others: Frappe's own rules."""
	if is_site_admin(user):
		return None
	target = doc.get(TARGET_FIELD[doc.doctype]) if not isinstance(doc, str) else None
	if target and target not in suite_doctypes():
		return False
	return None


def _query_conditions(doctype: str, user: str | None) -> str:
	if is_site_admin(user):
		return ""
	names = ", ".join(frappe.db.escape(name) for name in sorted(suite_doctypes()))
	return f"`tab{doctype}`.`{TARGET_FIELD[doctype]}` in ({names})"


def custom_field_query_conditions(user=None, doctype=None):
	return _query_conditions("Custom Field", user)


def property_setter_query_conditions(user=None, doctype=None):
	return _query_conditions("Property Setter", user)


def notification_query_conditions(user=None, doctype=None):
	return _query_conditions("Notification", user)


def assignment_rule_query_conditions(user=None, doctype=None):
	return _query_conditions("Assignment Rule", user)


def doctype_query_conditions(user=None, doctype=None):
	"""The doctype pickers of Customize Form and Custom Field offer a CRM Admin the suite's doctypes."""
	if is_site_admin(user):
		return ""
	names = ", ".join(frappe.db.escape(name) for name in sorted(suite_doctypes()))
	return f"`tabDocType`.`name` in ({names})"


def doctype_has_permission(doc, ptype=None, user=None, debug=False):
	if is_site_admin(user) or ptype not in (None, "read", "select"):
		return None
	name = doc if isinstance(doc, str) else doc.name
	return None if name in suite_doctypes() else False


# --- validation on save ----------------------------------------------------------------------------------


def check_target(doctype: str | None) -> None:
	if doctype and doctype not in suite_doctypes():
		_refuse(
			_(
				"{0} is not one of the CRM suite's document types: only a System Manager customises it."
			).format(_(doctype))
		)


def masked_fields(doctype: str) -> set[str]:
	"""Fields above permission level 0 (ORG-06's masked numbers and the like)."""
	return {df.fieldname for df in frappe.get_meta(doctype).fields if (df.permlevel or 0) > 0}


def validate_custom_field(doc, method=None):
	if not _guarded(doc):
		return
	check_target(doc.dt)
	if doc.ignore_user_permissions:
		_refuse(_("Only a System Manager may let a field ignore user permissions."))
	if doc.fetch_from:
		link, _dot, source = doc.fetch_from.partition(".")
		link_df = frappe.get_meta(doc.dt).get_field(link)
		source_doctype = link_df.options if link_df and link_df.fieldtype == "Link" else None
		if source_doctype and source in masked_fields(source_doctype):
			_refuse(
				_("{0} of {1} is protected: a field may not copy it.").format(
					_(frappe.get_meta(source_doctype).get_label(source)), _(source_doctype)
				)
			)


def validate_property_setter(doc, method=None):
	if not _guarded(doc):
		return
	check_target(doc.doc_type)
	if doc.property in OPENING_PROPERTIES:
		_refuse(_("Only a System Manager may change the property {0} of a field.").format(doc.property))


def _check_expressions(doc) -> None:
	masked = masked_fields(doc.document_type) if doc.document_type else set()
	for fieldname in EXPRESSION_FIELDS[doc.doctype]:
		text = doc.get(fieldname) or ""
		if not isinstance(text, str) or not text:
			continue
		if _CODE.search(text):
			_refuse(
				_(
					"{0}: write it from the document's own fields; calls into the system need a System Manager."
				).format(_(doc.meta.get_label(fieldname)))
			)
		named = sorted(f for f in masked if re.search(rf"\b{re.escape(f)}\b", text))
		if named:
			_refuse(
				_("{0} names protected fields ({1}): they are masked for some readers.").format(
					_(doc.meta.get_label(fieldname)), ", ".join(named)
				)
			)


def validate_notification(doc, method=None):
	if not _guarded(doc):
		return
	check_target(doc.document_type)
	_check_expressions(doc)
	field = doc.get("set_property_after_alert")
	if field and (field in GUARDED_FIELDS or field in masked_fields(doc.document_type)):
		_refuse(
			_("A notification may not set {0}: ownership changes go through the pool's transfers.").format(
				field
			)
		)


def validate_assignment_rule(doc, method=None):
	if not _guarded(doc):
		return
	check_target(doc.document_type)
	_check_expressions(doc)


def validate_workspace(doc, method=None):
	"""A CRM Admin (a Workspace Manager for the suite) edits the suite's public workspaces, not Frappe's."""
	if not doc.public or not _guarded(doc) or not is_customizer():
		return
	if doc.module not in suite_modules():
		_refuse(_("Only a System Manager may change the workspace {0}.").format(_(doc.name)))


def validate_customize_form(doc) -> None:
	"""Customize Form loads only the suite's doctypes for a CRM Admin (see overrides/customize_form.py)."""
	if doc.doc_type and _guarded(doc):
		check_target(doc.doc_type)


# --- the CRM Admins' rights --------------------------------------------------------------------------------

ADMIN_RIGHTS = {
	"Customize Form": ("read", "write"),
	"Custom Field": ("read", "write", "create", "delete", "report", "export"),
	"Property Setter": ("read", "write", "create", "delete"),
	"Notification": ("read", "write", "create", "delete", "report", "export"),
	"Assignment Rule": ("read", "write", "create", "delete"),
	"DocType": ("read",),
}
WORKSPACE_ROLE = "Workspace Manager"


def grant_admin_rights() -> None:
	"""Seed the CRM Admin role's rights on Frappe's customisation doctypes, once per doctype (an admin who
	takes them away later keeps it so), and make every CRM Admin a Workspace Manager (Frappe checks that role,
	not a permission, to edit public workspaces; `validate_workspace` keeps them to the suite's)."""
	from frappe.permissions import add_permission, update_permission_property

	for doctype, rights in ADMIN_RIGHTS.items():
		for role in CUSTOMIZER_ROLES:
			if frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0}):
				continue
			add_permission(doctype, role, 0)
			for right in rights:
				update_permission_property(doctype, role, 0, right, 1, validate=False)
			# add_permission seeds read/write; a read-only grant stays read-only
			for right in {"write", "create", "delete"} - set(rights):
				update_permission_property(doctype, role, 0, right, 0, validate=False)
	# company announcements: Frappe keeps a Note's public / at-login fields at permission level 1
	for role in ANNOUNCER_ROLES - {"System Manager"}:
		for level, rights in ((0, ("read", "write", "create", "delete")), (1, ("read", "write"))):
			if frappe.db.exists("Custom DocPerm", {"parent": "Note", "role": role, "permlevel": level}):
				continue
			add_permission("Note", role, level)
			for right in rights:
				update_permission_property("Note", role, level, right, 1, validate=False)
	for user in frappe.get_all(
		"Has Role", filters={"role": ("in", list(CUSTOMIZER_ROLES)), "parenttype": "User"}, pluck="parent"
	):
		add_workspace_role(user)


def add_workspace_role(user: str) -> None:
	if user in ("Administrator", "Guest") or WORKSPACE_ROLE in frappe.get_roles(user):
		return
	doc = frappe.get_doc("User", user)
	doc.append("roles", {"role": WORKSPACE_ROLE})
	doc.flags.ignore_permissions = True
	doc.save()


def sync_user_roles(doc, method=None):
	"""User validate: a CRM Admin also holds Workspace Manager."""
	roles = {row.role for row in doc.get("roles") or []}
	if (
		CUSTOMIZER_ROLES & roles
		and WORKSPACE_ROLE not in roles
		and doc.name not in ("Administrator", "Guest")
	):
		doc.append("roles", {"role": WORKSPACE_ROLE})


# --- company announcements (Frappe's Note) ---------------------------------------------------------------------

ANNOUNCER_ROLES = frozenset({"CRM Manager", "CRM Admin", "System Manager"})


def validate_note(doc, method=None):
	"""A public note, or one shown at login, is a company announcement: managers and admins post them; anyone
	keeps private notes."""
	if not (doc.public or doc.notify_on_login) or frappe.session.user == "Administrator":
		return
	if not ANNOUNCER_ROLES & set(frappe.get_roles()):
		frappe.throw(
			_("Only managers and admins post announcements (public notes or notes shown at login)."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
