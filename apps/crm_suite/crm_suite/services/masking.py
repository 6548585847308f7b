"""Phone masking (SPEC ORG-06) and the permission level behind it (ORG-02).

Full numbers live in permission-level-1 fields (`mobile_no`, `phone`, `fax`), which Frappe itself strips
from every read path — form, list, report view, REST, export, search — for roles without level-1 read
(by default only CRM Manager, CRM Admin and System Manager have it; admins change that in Role
Permission Manager). Everyone reads the level-0 copies (`mobile_no_masked` …), which hold the number
with its middle digits hidden, or the whole number when CRM Suite Settings' masking is off.
"""

import frappe

from crm_suite.policies.phones import mask_phone

PHONE_FIELDS: dict[str, tuple[str, ...]] = {"Customer Account": ("mobile_no", "phone", "fax")}
# Numbers the system writes (call log, dial queue): nobody types them, their copies are always derived.
DERIVED_PHONE_FIELDS: dict[str, tuple[str, ...]] = {
	"Phone Call Record": ("phone_number",),
	"Dial Command": ("phone_number",),
}


def full_number_fields(doctype: str) -> tuple[str, ...]:
	return PHONE_FIELDS.get(doctype) or DERIVED_PHONE_FIELDS.get(doctype, ())


def masked_field(fieldname: str) -> str:
	return f"{fieldname}_masked"


def masking_enabled() -> bool:
	return bool(frappe.db.get_single_value("CRM Suite Settings", "mask_phone_numbers"))


def display_value(number: str | None) -> str | None:
	"""What the level-0 copy holds for a full number."""
	if not number:
		return number
	return mask_phone(number) if masking_enabled() else number


def can_see_full_numbers(doctype: str, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if user == "Administrator":
		return True
	fields = full_number_fields(doctype)
	if not fields:
		return True
	from frappe.model import get_permitted_fields

	return fields[0] in get_permitted_fields(doctype, user=user)


def mask_rows(doctype: str, rows: list[dict], user: str | None = None) -> list[dict]:
	"""For code that reads rows with permissions ignored (script reports, exports, the screen pop): give a
	user without full-number access the masked copies in place of the full numbers."""
	if can_see_full_numbers(doctype, user):
		return rows
	for row in rows:
		for fieldname in full_number_fields(doctype):
			if fieldname in row:
				row[fieldname] = display_value(row[fieldname])
	return rows


def set_derived_copies(doc):
	"""The level-0 copies of numbers the system wrote (SPEC ORG-06 for the call log, CALL-03)."""
	for fieldname in DERIVED_PHONE_FIELDS.get(doc.doctype, ()):
		doc.set(masked_field(fieldname), display_value(doc.get(fieldname)))


class PartialPhoneEdit(frappe.ValidationError):
	pass


def sync_masked_copies(doc):
	"""Keep the level-0 copies in step with the full numbers. A user without full-number access changes a
	number by typing a whole new one into the copy; a copy still holding '*' keeps the stored number."""
	from frappe import _

	full_access = can_see_full_numbers(doc.doctype)
	for fieldname in PHONE_FIELDS.get(doc.doctype, ()):
		copy_field = masked_field(fieldname)
		if not full_access:
			typed = doc.get(copy_field) or None
			before = None if doc.is_new() else (doc.get_db_value(copy_field) or None)
			if typed != before:
				if typed and "*" in typed:
					frappe.throw(
						_("Type the whole new number into {0}, or leave it as it was.").format(
							_(doc.meta.get_label(copy_field))
						),
						PartialPhoneEdit,
						title=_("Invalid Phone Number"),
					)
				# a new number typed, or an existing one cleared; an untouched empty copy on a new
				# document leaves what server-side code put into the full field
				if typed or not doc.is_new():
					doc.set(fieldname, typed)
		doc.set(copy_field, display_value(doc.get(fieldname)))
