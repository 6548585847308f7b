"""Core REST methods that would bypass the row scope (SPEC ORG-03) or phone masking (ORG-06), replaced."""

import frappe
from frappe import _
from frappe.client import get_safe_filters

from crm_suite.policies.spreadsheet import neutralise_row


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


# Raw pages global search reads at most per request while filling one page of visible rows.
GLOBAL_SEARCH_MAX_PAGES = 20


@frappe.whitelist()
def global_search(text: str, start: int = 0, limit: int = 20, doctype: str = "") -> list:
	"""`frappe.utils.global_search.search` checks read access per doctype only, so a salesperson would
	find other salespeople's customers by name. Drop the rows the user may not read — and keep reading the
	index page by page until the page is full (or the index has no more), so a salesperson's page is not
	short because other people's rows were dropped. `start` counts visible rows, as the Desk pages them."""
	from frappe.utils.global_search import search

	start, limit = max(0, int(start or 0)), max(1, min(int(limit or 20), 100))
	batch = max(limit, 20)
	visible, offset = [], 0
	for _page in range(GLOBAL_SEARCH_MAX_PAGES):
		rows = search(text, start=offset, limit=batch, doctype=doctype)
		visible += [
			row
			for row in rows
			if row.get("doctype") not in SCOPED_DOCTYPES
			or frappe.has_permission(row["doctype"], "read", doc=row["name"])
		]
		offset += batch
		if len(visible) >= start + limit or len(rows) < batch:
			break
	return visible[start : start + limit]


@frappe.whitelist()
def export_query():
	"""Report View / Report Builder export (`frappe.desk.reportview.export_query`) with spreadsheet
	injection neutralised (SPEC CUS-07): text cells starting with = + - @ (or tab / CR) get a leading
	apostrophe in CSV and Excel files. Frappe's own export runs unchanged otherwise (permissions, access
	log, formats); the cells are rewritten where it hands its rows to the writers."""
	from frappe.desk import reportview

	doctype = frappe.form_dict.get("doctype")
	if not isinstance(doctype, str) or not doctype or not frappe.db.exists("DocType", doctype):
		frappe.throw(
			_("{0} {1} not found").format(_("DocType"), doctype if isinstance(doctype, str) else ""),
			frappe.DoesNotExistError,
		)
	_neutralise_reportview_cells(reportview)
	frappe.flags.crm_suite_neutralise_cells = True
	try:
		return reportview.export_query()
	finally:
		frappe.flags.crm_suite_neutralise_cells = False


def _neutralise_reportview_cells(reportview):
	"""Wrap, once per process, the last step `export_query` runs on its rows before writing them
	(`handle_duration_fieldtype_values`, used by nothing else). The wrapper acts only inside this override's
	request (a request-local flag), so any other caller sees Frappe's function as it is."""
	original = reportview.handle_duration_fieldtype_values
	if getattr(original, "crm_suite_neutralises", False):
		return

	def handle_duration_fieldtype_values(doctype, data, fields):
		data = original(doctype, data, fields)
		if frappe.flags.crm_suite_neutralise_cells:
			data = [neutralise_row(row) for row in data]
		return data

	handle_duration_fieldtype_values.crm_suite_neutralises = True
	reportview.handle_duration_fieldtype_values = handle_duration_fieldtype_values


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

	from crm_suite.services.inputs import parse_names

	names = parse_names(contacts, "contacts")
	vcards = [_contact_for_reader(name).get_vcard().serialize() for name in names]
	make_access_log(
		doctype="Contact",
		filters=frappe.as_json([["name", "in", names]]),
		file_type="vcf",
	)
	frappe.response["filename"] = f"{now()[:19]} Contacts.vcf"
	frappe.response["filecontent"] = "\n".join(vcards).encode("utf-8")
	frappe.response["type"] = "binary"
