"""Document history (Version) without values above the reader's permission level (SPEC ORG-02, ORG-06).

Frappe keeps every change of a tracked doctype as a JSON diff in `Version.data`, full numbers included, and
hands the last ten to whoever may read the document (`getdoc`'s docinfo, the form timeline) without any
field-level check. The docinfo's versions go through `services.masking.mask_version_data` (the form
endpoints are overridden in hooks.py, see `api/overrides.py`); the Version list and form themselves (System Manager by default, or any role an admin grants) hide the history of doctypes
whose number fields the reader may not see in full.
"""

import frappe

from crm_suite.services.masking import can_see_full_numbers, number_fields


def hidden_doctypes(user: str) -> list[str]:
	if user == "Administrator":
		return []
	return [dt for dt in number_fields() if not can_see_full_numbers(dt, user)]


def version_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	hidden = hidden_doctypes(user or frappe.session.user)
	if not hidden:
		return ""
	return "`tabVersion`.`ref_doctype` not in ({})".format(", ".join(frappe.db.escape(dt) for dt in hidden))


def version_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool | None:
	if doc.ref_doctype in hidden_doctypes(user or frappe.session.user):
		return False
	return None
