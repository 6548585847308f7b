"""Reading a customer import's sheet (SPEC CUS-07): the .xlsx file, merged cells, which column is which
field, the data rows and the size limit. Clear errors for anything else than the template's shape."""

import re
import zipfile

import frappe
from frappe import _
from frappe.translate import get_all_translations
from frappe.utils import cint

from crm_suite.policies.import_rows import as_text, is_blank
from crm_suite.services.customer_fields import CUSTOMER, column_label, import_fields

DEFAULT_MAX_ROWS = 100_000
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z0-9:]+)"')


class ImportFileInvalid(frappe.ValidationError):
	pass


class ImportTooLarge(frappe.ValidationError):
	pass


def file_path(file_url: str) -> str:
	file_name = frappe.db.get_value("File", {"file_url": file_url}, "name")
	if not file_name:
		frappe.throw(_("The import file {0} was not found.").format(file_url), ImportFileInvalid)
	return frappe.get_doc("File", file_name).get_full_path()


def open_sheet(path: str):
	"""The first sheet of an .xlsx file, read-only; clear errors for anything else."""
	from openpyxl import load_workbook

	if not path.lower().endswith(".xlsx") or not zipfile.is_zipfile(path):
		frappe.throw(
			_("Please upload an Excel file (.xlsx), for example the import template."),
			ImportFileInvalid,
			title=_("Invalid Import File"),
		)
	try:
		wb = load_workbook(path, read_only=True, data_only=True)
	except Exception:
		frappe.throw(
			_("The file could not be read as an Excel workbook (.xlsx)."),
			ImportFileInvalid,
			title=_("Invalid Import File"),
		)
	ws = wb.worksheets[0]
	merged = merged_ranges(path, getattr(ws, "_worksheet_path", None))
	if merged:
		frappe.throw(
			_(
				"The sheet has merged cells ({0}). Unmerge them and fill every cell, then upload again."
			).format(", ".join(merged[:5])),
			ImportFileInvalid,
			title=_("Invalid Import File"),
		)
	return wb, ws


def merged_ranges(path: str, sheet_path: str | None) -> list[str]:
	"""openpyxl's read-only mode ignores merged cells (only the first cell keeps the value): find them
	in the sheet's XML instead."""
	with zipfile.ZipFile(path) as archive:
		names = [sheet_path.lstrip("/")] if sheet_path else []
		names = [n for n in names if n in archive.namelist()] or [
			n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")
		][:1]
		found = []
		for name in names:
			found += [m.decode() for m in _MERGE_CELL.findall(archive.read(name))]
		return found


def _clean_label(text) -> str:
	return re.sub(r"\s*\*\s*$", "", str(text or "")).strip().lower()


def map_columns(first: tuple, second: tuple | None, fields: list) -> tuple[list, int]:
	"""Sheet positions -> fields. The template's hidden fieldname row wins; otherwise the header row
	is matched against labels (translated or not) and fieldnames. Returns (fields or None, first data
	row number)."""
	by_fieldname = {df.fieldname: df for df in fields}
	second_cells = [as_text(c) for c in (second or ())]
	named = [c for c in second_cells if c]
	if named and all(c in by_fieldname for c in named):
		mapped, data_start = [by_fieldname.get(c) if c else None for c in second_cells], 3
		headers = second_cells
	else:
		by_label = {}
		# The template's labels are in the uploader's language; Chinese labels are accepted from anyone.
		chinese = get_all_translations("zh") or {}
		meta = frappe.get_meta(CUSTOMER)
		for df in fields:
			labels = {df.label or "", column_label(meta, df.fieldname)}
			for key in (
				df.fieldname,
				*labels,
				*(_(lb) for lb in labels),
				*(chinese.get(lb) for lb in labels),
			):
				if key:
					by_label.setdefault(_clean_label(key), df)
		headers = [as_text(c) for c in first]
		mapped, data_start = [by_label.get(_clean_label(h)) if h else None for h in headers], 2
		unknown = [h for h, df in zip(headers, mapped, strict=True) if h and df is None]
		if unknown:
			frappe.throw(
				_("Unknown columns: {0}. Download the import template and keep its header rows.").format(
					", ".join(unknown[:10])
				),
				ImportFileInvalid,
				title=_("Invalid Import File"),
			)
	seen = set()
	for df in mapped:
		if df is None:
			continue
		if df.fieldname in seen:
			frappe.throw(
				_("The column {0} appears twice.").format(
					_(column_label(frappe.get_meta(CUSTOMER), df.fieldname))
				),
				ImportFileInvalid,
				title=_("Invalid Import File"),
			)
		seen.add(df.fieldname)
	if "customer_name" not in seen:
		frappe.throw(
			_("The file has no {0} column. Download the import template and keep its header rows.").format(
				_(column_label(frappe.get_meta(CUSTOMER), "customer_name"))
			),
			ImportFileInvalid,
			title=_("Invalid Import File"),
		)
	return mapped, data_start


def max_import_rows() -> int:
	return cint(frappe.db.get_single_value("CRM Suite Settings", "import_max_rows")) or DEFAULT_MAX_ROWS


def _too_large(limit: int):
	frappe.throw(
		_(
			"The file has more than {0} customer rows. Split it into several files of at most {0} rows."
		).format(limit),
		ImportTooLarge,
		title=_("Import File Too Large"),
	)


def read_rows(ws, limit: int, fast_rows=None) -> tuple[list, list[tuple[int, tuple]]]:
	"""(column fields, [(row number, cells)]) of the non-blank data rows; `fast_rows` from
	policies.xlsx_rows when it could read the sheet, else openpyxl's own reader."""
	declared = ws.max_row  # from the sheet's dimension tag: cheap refusal before reading
	if declared and declared - 1 > limit + 1:
		_too_large(limit)
	rows = iter(fast_rows) if fast_rows is not None else ws.iter_rows(values_only=True)
	first = next(rows, None)
	if first is None or is_blank(first):
		frappe.throw(
			_("The file is empty. Fill the import template from its third row on."),
			ImportFileInvalid,
			title=_("Invalid Import File"),
		)
	second = next(rows, None)
	fields = import_fields()
	mapped, data_start = map_columns(first, second, fields)
	data = []
	if data_start == 2 and second is not None and not is_blank(second):
		data.append((2, second))
	for number, cells in enumerate(rows, start=3):
		if is_blank(cells):
			continue
		data.append((number, cells))
		if len(data) > limit:
			_too_large(limit)
	if not data:
		frappe.throw(
			_("The file has no customer rows. Fill the import template from its third row on."),
			ImportFileInvalid,
			title=_("Invalid Import File"),
		)
	return mapped, data
