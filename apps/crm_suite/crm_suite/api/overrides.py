"""Core REST methods that would bypass the row scope (SPEC ORG-03) or phone masking (ORG-06), replaced."""

import frappe
from frappe.client import get_safe_filters


@frappe.whitelist()
def get_count(
	doctype: str, filters: str | dict | list | None = None, debug: bool = False, cache: bool = False
) -> int:
	"""`frappe.client.get_count` counts with `frappe.db.count`, ignoring permissions: a salesperson could
	count another salesperson's customers by filter. Count through the permission-aware list query instead."""
	rows = frappe.get_list(
		doctype, filters=get_safe_filters(filters), fields=["count(*) as total"], as_list=True
	)
	return int(rows[0][0]) if rows else 0


# Doctypes whose rows are scoped (SPEC ORG-03): global search must not show what lists would hide.
SCOPED_DOCTYPES = frozenset({"Customer Account", "Contact"})


@frappe.whitelist()
def global_search(text: str, start: int = 0, limit: int = 20, doctype: str = "") -> list:
	"""`frappe.utils.global_search.search` checks read access per doctype only, so a salesperson would
	find other salespeople's customers by name. Drop the rows the user may not read."""
	from frappe.utils.global_search import search

	rows = search(text, start=start, limit=limit, doctype=doctype)
	return [
		row
		for row in rows
		if row.get("doctype") not in SCOPED_DOCTYPES
		or frappe.has_permission(row["doctype"], "read", doc=row["name"])
	]


# Core Contact methods that hand out the numbers table in full (SPEC ORG-06): for a user without
# full-number access the numbers go out as the level-0 copies show them.
def _contact_for_reader(name: str):
	from crm_suite.services.masking import can_see_full_numbers, display_value

	contact = frappe.get_doc("Contact", name)
	contact.check_permission()
	if not can_see_full_numbers("Contact"):
		for row in contact.get("phone_nos") or []:
			row.phone = display_value(row.phone)
		contact.phone, contact.mobile_no = display_value(contact.phone), display_value(contact.mobile_no)
	return contact


@frappe.whitelist()
def get_contact_details(contact: str) -> dict:
	contact = _contact_for_reader(contact)
	return {
		"contact_person": contact.get("name"),
		"contact_display": contact.get("full_name"),
		"contact_email": contact.get("email_id"),
		"contact_mobile": contact.get("mobile_no"),
		"contact_phone": contact.get("phone"),
		"contact_designation": contact.get("designation"),
		"contact_department": contact.get("department"),
	}


@frappe.whitelist()
def download_vcard(contact: str):
	from frappe.core.doctype.access_log.access_log import make_access_log

	contact = _contact_for_reader(contact)
	make_access_log(doctype="Contact", document=contact.name, file_type="vcf")
	frappe.response["filename"] = f"{contact.name}.vcf"
	frappe.response["filecontent"] = contact.get_vcard().serialize().encode("utf-8")
	frappe.response["type"] = "binary"


@frappe.whitelist()
def download_vcards(contacts: str):
	from frappe.core.doctype.access_log.access_log import make_access_log
	from frappe.utils.data import now

	names = frappe.parse_json(contacts)
	vcards = [_contact_for_reader(name).get_vcard().serialize() for name in names]
	make_access_log(
		doctype="Contact",
		filters=frappe.as_json([["name", "in", names]]),
		file_type="vcf",
	)
	frappe.response["filename"] = f"{now()[:19]} Contacts.vcf"
	frappe.response["filecontent"] = "\n".join(vcards).encode("utf-8")
	frappe.response["type"] = "binary"
