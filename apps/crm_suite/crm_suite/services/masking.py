"""Phone masking (SPEC ORG-06) and the permission level behind it (ORG-02): one rule for every number.

Full numbers live in permission-level-1 fields (`mobile_no`, `phone`, `fax`, `phone_number`), which Frappe
itself strips from every read path — form, list, report view, REST, export, search, print — for roles
without level-1 read (by default only CRM Manager, CRM Admin and System Manager have it; admins change that
in Role Permission Manager). Everyone reads the level-0 copies (`mobile_no_masked` …), which hold the
number with its middle digits hidden, or the whole number when CRM Suite Settings' masking is off.
The registry below is the one list of number fields: the copy writers, the patch that fills copies, the
exports and the history (Version) filter all read it.
"""

import json

import frappe

from crm_suite.policies.phones import mask_phone

# Numbers people type: a user without full-number access types a whole new number into the copy.
PHONE_FIELDS: dict[str, tuple[str, ...]] = {
	"Customer Account": ("mobile_no", "phone", "fax"),
	"Sales Lead": ("mobile_no", "phone"),
	"Contact": ("mobile_no", "phone"),
	"SMS Opt Out": ("phone_number",),
	"Service Inquiry": ("phone",),
}
# Numbers the system writes (call log, dial queue): nobody types them, their copies are always derived.
DERIVED_PHONE_FIELDS: dict[str, tuple[str, ...]] = {
	"Phone Call Record": ("phone_number",),
	"Dial Command": ("phone_number",),
}
# Numbers in child tables (the table field itself is at level 1): masked in the history only.
CHILD_PHONE_FIELDS: dict[str, tuple[str, ...]] = {"Contact Phone": ("phone",)}


def number_fields() -> dict[str, tuple[str, ...]]:
	"""Every doctype with full numbers → its full-number fields (each with a `<field>_masked` copy)."""
	return {**PHONE_FIELDS, **DERIVED_PHONE_FIELDS}


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


def fill_masked_copies(doctypes: list[str] | None = None, only_empty: bool = True) -> int:
	"""Set-based: the level-0 copies of rows holding a full number — those still empty (patches, after a
	doctype joins the registry), or all of them (`only_empty=False`: the masking setting changed).
	Masking is Python (policies/phones.py), so the copies go back in CASE updates of 500 rows.
	Returns the number of copies written."""
	written = 0
	for doctype, fields in number_fields().items():
		if doctypes is not None and doctype not in doctypes:
			continue
		table = frappe.qb.DocType(doctype)
		for fieldname in fields:
			copy = masked_field(fieldname)
			query = frappe.qb.from_(table).select(table.name, table[fieldname], table[copy])
			query = query.where(table[fieldname].isnotnull() & (table[fieldname] != ""))
			if only_empty:
				query = query.where(table[copy].isnull() | (table[copy] == ""))
			changed = {}
			for name, number, current in query.run():
				if (value := display_value(number)) != current:
					changed[name] = {copy: value}
			frappe.db.bulk_update(doctype, changed, chunk_size=500, update_modified=False)
			written += len(changed)
	return written


def refresh_masked_copies() -> int:
	"""Every copy rewritten for the masking setting now in force (CRM Suite Settings, on change)."""
	return fill_masked_copies(only_empty=False)


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


def readable_levels(doctype: str, user: str | None = None) -> set[int]:
	"""The permission levels `user` may read on `doctype` (Custom DocPerm when the doctype has any)."""
	return set(frappe.get_meta(doctype).get_permlevel_access("read", user=user)) or {0}


def mask_version_data(doctype: str, data: str | dict | None, user: str | None = None):
	"""A Version's diff as `user` may read it (SPEC ORG-02, ORG-06): values of fields above the user's
	permission levels never leave the server — number fields show as their level-0 copies would (masked,
	or whole while masking is off), other such fields are left out. Returns the same type it was given."""
	user = user or frappe.session.user
	if not data or user == "Administrator":
		return data
	meta = frappe.get_meta(doctype)
	levels = readable_levels(doctype, user)
	hidden = {df.fieldname: df for df in meta.fields if (df.permlevel or 0) not in levels}
	child_levels = {
		f.permlevel or 0 for df in meta.get_table_fields() for f in frappe.get_meta(df.options).fields
	}
	if not hidden and child_levels <= levels:
		return data
	diff = json.loads(data) if isinstance(data, str) else data
	numbers = set(number_fields().get(doctype, ()))

	def shown(fieldnames: set[str], hidden_names, changes):
		kept = []
		for fieldname, old, new in changes:
			if fieldname not in hidden_names:
				kept.append([fieldname, old, new])
			elif fieldname in fieldnames:
				kept.append([fieldname, display_value(old), display_value(new)])
		return kept

	def child_hidden(table_field: str) -> tuple[set[str], set[str]]:
		child = frappe.get_meta(meta.get_field(table_field).options)
		child_numbers = set(CHILD_PHONE_FIELDS.get(child.name, ()))
		names = {f.fieldname for f in child.fields if (f.permlevel or 0) not in levels}
		if table_field in hidden:  # the whole table is above the user's levels
			names |= {f.fieldname for f in child.fields if f.fieldtype not in ("Check", "Int")}
		return child_numbers, names

	out = dict(diff)
	out["changed"] = shown(numbers, hidden, diff.get("changed") or [])
	for key in ("added", "removed"):
		rows = []
		for table_field, row in diff.get(key) or []:
			child_numbers, names = child_hidden(table_field)
			row = {
				f: (display_value(v) if f in child_numbers else v)
				for f, v in (row or {}).items()
				if f not in names or f in child_numbers
			}
			rows.append([table_field, row])
		out[key] = rows
	out["row_changed"] = []
	for table_field, idx, row_name, changes in diff.get("row_changed") or []:
		child_numbers, names = child_hidden(table_field)
		kept = shown(child_numbers, names, changes)
		if kept:
			out["row_changed"].append([table_field, idx, row_name, kept])
	return json.dumps(out, separators=(",", ":")) if isinstance(data, str) else out


def mask_versions(doctype: str, versions: list[dict], user: str | None = None) -> list[dict]:
	"""Version rows (with `data`) of one doctype, each diff filtered by `mask_version_data`."""
	for version in versions:
		if version.get("data"):
			version["data"] = mask_version_data(doctype, version["data"], user)
	return versions
