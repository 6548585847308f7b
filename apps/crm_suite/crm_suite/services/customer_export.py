"""Customer export to Excel (SPEC CUS-07) within the user's row scope (ORG-03) and phone masking (ORG-06).

Which rows: frappe.get_list with the user's filters, so the Customer Account permission query (the
ORG-03 scope) applies exactly as in the list view. Which values: one read per chunk of names, then
`mask_rows` hides the middle digits of phone numbers from users who may not see them. Columns follow
the meta, so admin-added Custom Fields are exported with no code.
"""

import io

import frappe
from frappe import _
from frappe.utils import cint

from crm_suite.policies.spreadsheet import neutralise_formula
from crm_suite.services.customer_fields import CUSTOMER, column_label, import_fields
from crm_suite.services.masking import mask_rows

DEFAULT_MAX_ROWS = 100_000
OWNERSHIP_FIELDS = ("salesperson", "sales_department", "customer_pool", "lifecycle_state", "claimed_on")
CHUNK = 5000


class ExportTooLarge(frappe.ValidationError):
	pass


def export_fields(user: str) -> list:
	"""Importable fields plus ownership, limited to what the user may read; phone fields always (masked
	by mask_rows for users without full-number access)."""
	from frappe.model import get_permitted_fields

	from crm_suite.services.phone_index import PHONE_FIELDS

	meta = frappe.get_meta(CUSTOMER)
	permitted = set(get_permitted_fields(CUSTOMER, user=user)) | set(PHONE_FIELDS[CUSTOMER])
	fields = [df for df in import_fields(meta) if df.fieldname in permitted]
	present = {df.fieldname for df in fields}
	fields += [
		meta.get_field(f)
		for f in OWNERSHIP_FIELDS
		if f not in present and f in permitted and meta.has_field(f)
	]
	return fields


def max_export_rows() -> int:
	return cint(frappe.db.get_single_value("CRM Suite Settings", "export_max_rows")) or DEFAULT_MAX_ROWS


def export_rows(filters=None, user: str | None = None) -> tuple[list, list[dict]]:
	"""(fields, rows) of the customers `user` may see that match `filters` (list-view filter syntax)."""
	user = user or frappe.session.user
	limit = max_export_rows()
	names = frappe.get_list(
		CUSTOMER,
		filters=filters,
		fields=["name"],
		order_by="creation asc",
		limit_page_length=limit + 1,
		pluck="name",
		user=user,
	)
	if len(names) > limit:
		frappe.throw(
			_("More than {0} customers match. Narrow the filters and export again.").format(limit),
			ExportTooLarge,
			title=_("Export Too Large"),
		)
	fields = export_fields(user)
	table = frappe.qb.DocType(CUSTOMER)
	columns = [table.name, *(table[df.fieldname] for df in fields)]
	by_name = {}
	for start in range(0, len(names), CHUNK):
		chunk = names[start : start + CHUNK]
		for row in frappe.qb.from_(table).select(*columns).where(table.name.isin(chunk)).run(as_dict=True):
			by_name[row.name] = row
	rows = [by_name[n] for n in names if n in by_name]
	return fields, mask_rows(CUSTOMER, rows, user)


def _cell(df, value):
	"""The cell of one value: translated options, stars, and text that could start a formula neutralised."""
	if value is None or value == "":
		return None
	if df.fieldtype == "Select":
		return neutralise_formula(_(value))
	if df.fieldtype == "Link" and df.options not in ("User",):
		return neutralise_formula(_(value))
	if df.fieldtype == "Rating":
		return round(float(value) * (cint(df.options) or 5))
	return neutralise_formula(value)


def build_export(filters=None, user: str | None = None) -> bytes:
	from openpyxl import Workbook
	from openpyxl.cell import WriteOnlyCell
	from openpyxl.styles import Font

	fields, rows = export_rows(filters, user)
	wb = Workbook(write_only=True)
	ws = wb.create_sheet(_("Customers")[:31])
	bold = Font(bold=True)
	header = []
	meta = frappe.get_meta(CUSTOMER)
	for text in [_("Customer Code")] + [_(column_label(meta, df.fieldname)) for df in fields]:
		cell = WriteOnlyCell(ws, value=text)
		cell.font = bold
		header.append(cell)
	ws.append(header)
	for row in rows:
		ws.append([neutralise_formula(row.name)] + [_cell(df, row.get(df.fieldname)) for df in fields])
	buffer = io.BytesIO()
	wb.save(buffer)
	return buffer.getvalue()
