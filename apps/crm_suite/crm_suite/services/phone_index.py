"""Keep the normalised phone lookup table in step with customers and contacts (SPEC CUS-04, CUS-08, CALL-02)."""

import frappe

from crm_suite.policies.phones import PhoneNumberInvalid, normalise_phone
from crm_suite.services.ownership import new_row_names

PHONE_FIELDS = {"Customer Account": ("mobile_no", "phone", "fax")}


def phone_settings() -> tuple[str, str | None]:
	region = frappe.db.get_single_value("CRM Suite Settings", "default_phone_region") or "CN"
	area = frappe.db.get_single_value("CRM Suite Settings", "local_area_code") or None
	return region, area


def index_rows_for(doc, fields: tuple[str, ...], customer: str | None) -> list[dict]:
	return index_rows_for_numbers(doc, [(doc.get(f), f) for f in fields], customer)


def index_rows_for_numbers(doc, numbers: list[tuple[str, str]], customer: str | None) -> list[dict]:
	"""Index rows for (raw number, field it came from) pairs; numbers that do not parse are skipped."""
	region, area = phone_settings()
	rows, seen = [], set()
	for raw, fieldname in numbers:
		if not raw:
			continue
		try:
			phone = normalise_phone(raw, region, area)
		except PhoneNumberInvalid:
			continue
		if phone.key in seen:
			continue
		seen.add(phone.key)
		rows.append(
			{
				"phone_key": phone.key,
				"national_number": phone.national_number,
				"extension": phone.extension,
				"number_type": phone.number_type,
				"raw_number": raw,
				"reference_doctype": doc.doctype,
				"reference_name": doc.name,
				"reference_field": fieldname,
				"customer": customer,
			}
		)
	return rows


def sync_phone_index(doc, fields: tuple[str, ...], customer: str | None):
	"""Replace the index rows of `doc` with its current numbers (delete + one multi-row insert)."""
	sync_phone_rows(doc, [(doc.get(f), f) for f in fields], customer)


def sync_phone_rows(doc, numbers: list[tuple[str, str]], customer: str | None):
	table = frappe.qb.DocType("Phone Number Index")
	frappe.qb.from_(table).delete().where(
		(table.reference_doctype == doc.doctype) & (table.reference_name == doc.name)
	).run()
	rows = index_rows_for_numbers(doc, numbers, customer)
	if not rows:
		return
	columns = list(rows[0])
	query = frappe.qb.into(table).columns("name", *columns, "owner", "modified_by", "creation", "modified")
	now = frappe.utils.now_datetime()
	for name, row in zip(new_row_names(len(rows)), rows, strict=True):
		query = query.insert(name, *[row[c] for c in columns], "Administrator", "Administrator", now, now)
	query.run()


def drop_phone_index(doc):
	table = frappe.qb.DocType("Phone Number Index")
	frappe.qb.from_(table).delete().where(
		(table.reference_doctype == doc.doctype) & (table.reference_name == doc.name)
	).run()
