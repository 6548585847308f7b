"""Which Customer Account fields people fill in, and how they are named (SPEC CUS-04, CUS-07).

One source for the form's entry strategy (required fields per department, duplicate-name policy) and for
the columns of the import template, the import's checks and the export: all follow the meta, so
admin-added Custom Fields take part with no code.
"""

import frappe

from crm_suite.policies.import_rows import IMPORTABLE_TYPES
from crm_suite.services.phone_index import PHONE_FIELDS

CUSTOMER = "Customer Account"
DEFAULT_SERIES = "CUS-.YYYY.-.#####"
# Read-only on the form (ownership moves through claims and assignments), but an import may assign.
ASSIGNABLE_FIELDS = ("salesperson",)
# Set by the app itself, never read from a sheet.
COMPUTED_FIELDS = frozenset({"naming_series", "name_key", "name_pinyin", "name_initials"})


def import_fields(meta=None) -> list:
	"""The Customer Account fields a sheet may fill, in form order: editable ones, Custom Fields
	included, plus the owner salesperson; never layout, tables, computed keys or masked copies."""
	meta = meta or frappe.get_meta(CUSTOMER)
	masked_copies = {f"{f}_masked" for f in PHONE_FIELDS[CUSTOMER]}
	fields = []
	for df in meta.fields:
		if df.fieldtype not in IMPORTABLE_TYPES or df.fieldname in COMPUTED_FIELDS:
			continue
		if df.fieldname in masked_copies or df.get("is_virtual"):
			continue
		if df.fieldname not in ASSIGNABLE_FIELDS and (df.hidden or df.read_only):
			continue
		fields.append(df)
	return fields


def column_label(meta, fieldname: str) -> str:
	"""The label people know a column by: a phone field shows as its masked copy does in the form
	("Mobile", not "Mobile (Full Number)")."""
	copy = meta.get_field(f"{fieldname}_masked") if fieldname in PHONE_FIELDS[CUSTOMER] else None
	return (copy or meta.get_field(fieldname)).label or fieldname


def required_fields_for(department: str | None) -> str:
	"""The entry strategy's required fields, one a line: the nearest department (itself, then its
	ancestors) with its own list wins over the global one."""
	if department:
		dept = frappe.qb.DocType("Sales Department")
		bounds = frappe.db.get_value("Sales Department", department, ["lft", "rgt"], as_dict=True)
		if bounds:
			nearest = (
				frappe.qb.from_(dept)
				.select(dept.required_customer_fields)
				.where(
					(dept.lft <= bounds.lft)
					& (dept.rgt >= bounds.rgt)
					& dept.required_customer_fields.isnotnull()
					& (dept.required_customer_fields != "")
				)
				.orderby(dept.lft, order=frappe.qb.desc)
				.limit(1)
				.run()
			)
			if nearest:
				return nearest[0][0]
	return frappe.db.get_single_value("CRM Suite Settings", "required_customer_fields") or ""


def required_fieldnames(meta=None, department: str | None = None) -> tuple[str, ...]:
	"""Mandatory fields and the entry strategy's required fields (the department's list when it has
	one, else the global list)."""
	meta = meta or frappe.get_meta(CUSTOMER)
	configured = required_fields_for(department) or ""
	names = [df.fieldname for df in meta.fields if df.reqd and df.fieldname not in COMPUTED_FIELDS]
	names += [line.strip() for line in configured.splitlines() if line.strip()]
	return tuple(dict.fromkeys(n for n in names if meta.has_field(n)))


def duplicate_name_policy() -> str:
	return frappe.db.get_single_value("CRM Suite Settings", "duplicate_name_policy") or "Off"


def naming_series(meta=None) -> str:
	"""The series new customers are named from (the first option of the form's naming series)."""
	meta = meta or frappe.get_meta(CUSTOMER)
	return (meta.get_field("naming_series").options or "").split("\n")[0] or DEFAULT_SERIES
