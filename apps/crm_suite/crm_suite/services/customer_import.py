"""Customer import from Excel (SPEC CUS-07; batch statistics for RPT-09).

The columns come from the meta of Customer Account, so admin-added Custom Fields are in the template,
the checks and the write with no code. A batch runs as a background job: read the sheet, check every
row (pure, policies/import_rows.py), resolve links and duplicates with set-based queries (against the
stored customers and within the file), then write the accepted rows with multi-row INSERTs (customers,
phone-index rows, one "Import" ownership-log row each) under a block of names reserved from the naming
series. The batch records its counts and a per-row error report the user can download.
"""

import io
import re
import time
import zipfile
from collections.abc import Iterable, Iterator

import frappe
from frappe import _
from frappe.model.naming import parse_naming_series
from frappe.translate import get_all_translations
from frappe.utils import cint, get_fullname, now_datetime

from crm_suite.customers.doctype.customer_account.customer_account import (
	duplicate_name_policy,
	required_fields_for,
)
from crm_suite.permissions.scope import visible_users
from crm_suite.policies.import_rows import (
	FLOAT_TYPES,
	IMPORTABLE_TYPES,
	INT_TYPES,
	INVALID_CHECK,
	INVALID_DATE,
	INVALID_EMAIL,
	INVALID_NUMBER,
	INVALID_OPTION,
	INVALID_PHONE,
	REQUIRED,
	TOO_LONG,
	CheckedRow,
	ColumnSpec,
	RowChecker,
	as_text,
	is_blank,
)
from crm_suite.policies.pinyin import initials_key
from crm_suite.policies.xlsx_rows import sheet_rows
from crm_suite.services.masking import display_value
from crm_suite.services.ownership import new_row_names
from crm_suite.services.phone_index import PHONE_FIELDS, phone_settings
from crm_suite.services.pool import CUSTOMER as POOLED_CUSTOMER
from crm_suite.services.pool import default_pool, lock_user, owned_count, strategy_for

CUSTOMER = "Customer Account"
BATCH = "Customer Import Batch"
ALL_OR_NOTHING = "All or nothing"
VALID_ROWS = "Import valid rows"
# Read-only on the form (ownership moves through claims and assignments), but an import may assign.
ASSIGNABLE_FIELDS = ("salesperson",)
# Set by the import itself, never read from the sheet.
COMPUTED_FIELDS = frozenset({"naming_series", "name_key", "name_pinyin", "name_initials"})
NUMERIC_TYPES = INT_TYPES | FLOAT_TYPES | {"Check", "Rating"}
DEFAULT_MAX_ROWS = 100_000
LIST_LIMIT = 300  # masters with more values get no drop-down list in the template
LINK_LIST_FILTERS = {"province": {"region_level": "Province"}, "city": {"region_level": "City"}}
TEMPLATE_ROWS = 5000  # rows of the template that carry the drop-down lists
QUERY_CHUNK = 5000
INSERT_CHUNK = 5000
PROGRESS_STEPS = 20

# Problem kinds written to the error report besides the pure checks' codes.
UNKNOWN_LINK = "unknown_link"
NOT_ASSIGNABLE = "not_assignable"
DUPLICATE_NAME_IN_FILE = "duplicate_name_in_file"
DUPLICATE_PHONE_IN_FILE = "duplicate_phone_in_file"
DUPLICATE_NAME = "duplicate_name"
DUPLICATE_PHONE = "duplicate_phone"
OWNED_LIMIT = "owned_limit"
DUPLICATE_CODES = frozenset(
	{DUPLICATE_NAME_IN_FILE, DUPLICATE_PHONE_IN_FILE, DUPLICATE_NAME, DUPLICATE_PHONE}
)


class ImportFileInvalid(frappe.ValidationError):
	pass


class ImportTooLarge(frappe.ValidationError):
	pass


def problem_message(code: str, args: tuple, label: str) -> str:
	messages = {
		REQUIRED: _("{0} is required"),
		INVALID_PHONE: _("Not a valid phone number: {0}"),
		INVALID_NUMBER: _("Not a number: {0}"),
		INVALID_DATE: _("Not a date (use YYYY-MM-DD): {0}"),
		INVALID_OPTION: _("Not one of the allowed values: {0}"),
		INVALID_EMAIL: _("Not a valid email address: {0}"),
		INVALID_CHECK: _("Use 1 or 0 (Yes or No): {0}"),
		TOO_LONG: _("Longer than {0} characters"),
		UNKNOWN_LINK: _("{0} not found: {1}"),
		NOT_ASSIGNABLE: _("Not an active salesperson you may assign customers to: {0}"),
		DUPLICATE_NAME_IN_FILE: _("Same company as row {0} of this file"),
		DUPLICATE_PHONE_IN_FILE: _("Same phone number as row {0} of this file"),
		DUPLICATE_NAME: _("A customer with this name already exists: {0}"),
		DUPLICATE_PHONE: _("A customer with this phone number already exists: {0}"),
		OWNED_LIMIT: _("Limit reached: {0} already owns {1} customers; the limit is {2}."),
	}
	if code == REQUIRED:
		return messages[code].format(label)
	if code == UNKNOWN_LINK:
		return messages[code].format(_(args[0]), args[1])
	return messages[code].format(*[a if a is not None else "" for a in args])


# ---------------------------------------------------------------------------------------------------
# Columns, from the meta


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


def required_fieldnames(meta=None, department: str | None = None) -> tuple[str, ...]:
	"""Mandatory fields and the entry strategy's required fields (the batch owner's department's list
	when it has one, else the global list)."""
	meta = meta or frappe.get_meta(CUSTOMER)
	configured = required_fields_for(department) or ""
	names = [df.fieldname for df in meta.fields if df.reqd and df.fieldname not in COMPUTED_FIELDS]
	names += [line.strip() for line in configured.splitlines() if line.strip()]
	return tuple(dict.fromkeys(n for n in names if meta.has_field(n)))


def column_spec(df) -> ColumnSpec:
	choices = None
	if df.fieldtype == "Select":
		options = [o for o in (df.options or "").split("\n") if o.strip()]
		choices = {**{_(o): o for o in options}, **{o: o for o in options}}
	max_length = None
	if df.fieldtype in ("Data", "Link", "Phone"):
		max_length = cint(df.length) or 140
	return ColumnSpec(
		fieldname=df.fieldname,
		fieldtype=df.fieldtype,
		choices=choices,
		is_phone=df.fieldname in PHONE_FIELDS[CUSTOMER] or df.options == "Phone" or df.fieldtype == "Phone",
		is_email=df.options == "Email",
		max_length=max_length,
		rating_stars=cint(df.options) or 5 if df.fieldtype == "Rating" else 5,
	)


def header_label(meta, df, required: tuple[str, ...]) -> str:
	return _(column_label(meta, df.fieldname)) + (" *" if df.fieldname in required else "")


def link_choices(df) -> list[str] | None:
	"""Values of a small master for a drop-down list, or None when the master is large."""
	if df.fieldtype != "Link" or df.fieldname in ASSIGNABLE_FIELDS:
		return None
	filters = LINK_LIST_FILTERS.get(df.fieldname) if df.options == "Customer Region" else None
	names = frappe.get_all(df.options, filters=filters, pluck="name", limit=LIST_LIMIT + 1, order_by="name")
	return names if len(names) <= LIST_LIMIT else None


# ---------------------------------------------------------------------------------------------------
# Template


def build_template() -> bytes:
	"""Header row of translated labels (required marked *), a hidden row of fieldnames the import
	reads, and drop-down lists for Select fields and small masters (kept in a hidden sheet)."""
	from openpyxl import Workbook
	from openpyxl.styles import Font, PatternFill
	from openpyxl.utils import get_column_letter, quote_sheetname
	from openpyxl.worksheet.datavalidation import DataValidation

	meta = frappe.get_meta(CUSTOMER)
	fields = import_fields(meta)
	required = required_fieldnames(meta)
	wb = Workbook()
	ws = wb.active
	ws.title = _("Customers")[:31]
	lists = wb.create_sheet("Lists")
	lists.sheet_state = "hidden"
	ws.append([header_label(meta, df, required) for df in fields])
	ws.append([df.fieldname for df in fields])
	ws.row_dimensions[2].hidden = True
	ws.freeze_panes = "A3"
	bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
	list_column = 0
	for position, df in enumerate(fields, start=1):
		letter = get_column_letter(position)
		cell = ws.cell(row=1, column=position)
		cell.font = bold
		if df.fieldname in required:
			cell.fill = fill
		ws.column_dimensions[letter].width = max(12, min(40, len(cell.value) * 2 + 4))
		if df.description:
			from openpyxl.comments import Comment

			cell.comment = Comment(_(df.description), "CRM Suite")
		if df.fieldtype == "Select":
			values = [_(o) for o in (df.options or "").split("\n") if o.strip()]
		elif df.fieldtype == "Check":
			values = ["1", "0"]
		else:
			names = link_choices(df)
			values = [_(n) for n in names] if names else None
		if not values:
			continue
		list_column += 1
		list_letter = get_column_letter(list_column)
		lists.cell(row=1, column=list_column, value=df.fieldname)
		for offset, value in enumerate(values, start=2):
			lists.cell(row=offset, column=list_column, value=value)
		source = f"{quote_sheetname(lists.title)}!${list_letter}$2:${list_letter}${len(values) + 1}"
		validation = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
		validation.error = _("Choose a value from the list")
		validation.showErrorMessage = True
		ws.add_data_validation(validation)
		validation.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
	buffer = io.BytesIO()
	wb.save(buffer)
	return buffer.getvalue()


# ---------------------------------------------------------------------------------------------------
# Reading a sheet

_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z0-9:]+)"')


def _file_path(file_url: str) -> str:
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


# ---------------------------------------------------------------------------------------------------
# Checks against the database: links, owners, duplicates (set-based)


def _chunks(items: list, size: int = QUERY_CHUNK) -> Iterator[list]:
	for start in range(0, len(items), size):
		yield items[start : start + size]


def _existing_names(doctype: str, values: Iterable[str]) -> set[str]:
	table = frappe.qb.DocType(doctype)
	found = set()
	for chunk in _chunks(sorted(set(values))):
		found.update(
			r[0] for r in frappe.qb.from_(table).select(table.name).where(table.name.isin(chunk)).run()
		)
	return found


def _link_lookup(df, values: set[str]) -> dict[str, str]:
	"""Typed text -> record name for one Link column: names as they are, and for small masters their
	translations too (the template's lists show translated names)."""
	lookup = {v: v for v in _existing_names(df.options, values)}
	missing = values - set(lookup)
	if missing:
		names = frappe.get_all(df.options, pluck="name", limit=LIST_LIMIT + 1)
		if len(names) <= LIST_LIMIT:
			translated = {_(n): n for n in names}
			lookup.update({v: translated[v] for v in missing if v in translated})
	return lookup


def resolve_links(rows: list[CheckedRow], specs: list, user: str) -> dict[str, str]:
	"""Replace typed link text by record names; flag unknown values and owners the user may not assign
	to. Returns {salesperson: sales department}."""
	meta = frappe.get_meta(CUSTOMER)
	fieldnames = {s.fieldname for s in specs if s and s.fieldtype == "Link"}
	departments = {}
	for fieldname in fieldnames:
		df = meta.get_field(fieldname)
		values = {r.values[fieldname] for r in rows if r.values.get(fieldname)}
		if not values:
			continue
		if fieldname == "salesperson":
			departments = assignable_salespeople(values, user)
			lookup = {v: v for v in departments}
			code = NOT_ASSIGNABLE
		else:
			lookup = _link_lookup(df, values)
			code = UNKNOWN_LINK
		for row in rows:
			value = row.values.get(fieldname)
			if not value:
				continue
			if value in lookup:
				row.values[fieldname] = lookup[value]
			else:
				args = (value,) if code == NOT_ASSIGNABLE else (df.options, value)
				row.problems.append((fieldname, code, args))
				row.values.pop(fieldname)
	return departments


def assignable_salespeople(users: set[str], importer: str) -> dict[str, str]:
	"""{user: department} of the enabled sales staff among `users` that `importer` may assign to."""
	staff = frappe.qb.DocType("Sales Staff")
	found = dict(
		frappe.qb.from_(staff)
		.select(staff.user, staff.sales_department)
		.where(staff.user.isin(sorted(users)) & (staff.enabled == 1))
		.run()
	)
	allowed = visible_users(importer)
	if allowed is not None:
		found = {u: d for u, d in found.items() if u in allowed}
	return found


def apply_owned_limits(rows: list[CheckedRow], batch) -> None:
	"""POOL-03 holds for imports as for claims: rows that would take a salesperson past the owned limit
	of the batch's pool are refused, counted under the same per-salesperson lock a claim takes."""
	strategy = strategy_for(batch.customer_pool or default_pool("Customer"))
	if not strategy.max_owned:
		return
	adding: dict[str, list[CheckedRow]] = {}
	for row in rows:
		owner = row.ok and (row.values.get("salesperson") or batch.salesperson)
		if owner:
			adding.setdefault(owner, []).append(row)
	for owner in sorted(adding):
		lock_user(owner)
		owned = owned_count(POOLED_CUSTOMER, owner, bool(strategy.count_deal_customers))
		room = max(0, strategy.max_owned - owned)
		for row in adding[owner][room:]:
			row.problems.append(
				("salesperson", OWNED_LIMIT, (get_fullname(owner), owned, strategy.max_owned))
			)


def find_duplicates(rows: list[CheckedRow], check_phones: bool) -> None:
	"""Mark rows whose company (normalised name) or phone number is already a customer's, or appears
	on an earlier row of the file. The first row of a group is kept."""
	first_by_key, first_by_phone = {}, {}
	for row in rows:
		if not row.ok:
			continue
		if row.name_key:
			first = first_by_key.setdefault(row.name_key, row.row_number)
			if first != row.row_number:
				row.problems.append(("customer_name", DUPLICATE_NAME_IN_FILE, (first,)))
				continue
		if check_phones:
			for fieldname, phone in row.phones:
				first = first_by_phone.setdefault(phone.key, row.row_number)
				if first != row.row_number:
					row.problems.append((fieldname, DUPLICATE_PHONE_IN_FILE, (first,)))
					break
	candidates = [r for r in rows if r.ok]
	stored = _stored_name_keys([r.name_key for r in candidates if r.name_key])
	for row in candidates:
		if row.name_key in stored:
			row.problems.append(("customer_name", DUPLICATE_NAME, (stored[row.name_key],)))
	if not check_phones:
		return
	candidates = [r for r in candidates if r.ok]
	stored = _stored_phone_keys([p.key for r in candidates for _f, p in r.phones])
	for row in candidates:
		for fieldname, phone in row.phones:
			if phone.key in stored:
				row.problems.append((fieldname, DUPLICATE_PHONE, (stored[phone.key],)))
				break


def _stored_name_keys(keys: list[str]) -> dict[str, str]:
	table = frappe.qb.DocType(CUSTOMER)
	found = {}
	for chunk in _chunks(sorted(set(keys))):
		for key, name in (
			frappe.qb.from_(table).select(table.name_key, table.name).where(table.name_key.isin(chunk)).run()
		):
			found.setdefault(key, name)
	return found


def _stored_phone_keys(keys: list[str]) -> dict[str, str]:
	table = frappe.qb.DocType("Phone Number Index")
	found = {}
	for chunk in _chunks(sorted(set(keys))):
		for key, customer in (
			frappe.qb.from_(table)
			.select(table.phone_key, table.customer)
			.where(table.phone_key.isin(chunk) & table.customer.isnotnull())
			.run()
		):
			found.setdefault(key, customer)
	return found


# ---------------------------------------------------------------------------------------------------
# Writing (set-based)


def reserve_names(series: str, count: int) -> list[str]:
	"""`count` consecutive names of a naming series ('CUS-.YYYY.-.#####'): one row lock on tabSeries,
	one update, instead of a getseries() call per document."""
	parts = series.split(".")
	digits = next((len(p) for p in parts if p and set(p) == {"#"}), 5)
	prefix = parse_naming_series([p for p in parts if not (p and set(p) == {"#"})])
	frappe.db.sql("insert ignore into `tabSeries` (`name`, `current`) values (%s, 0)", (prefix,))
	current = cint(
		frappe.db.sql("select `current` from `tabSeries` where `name`=%s for update", (prefix,))[0][0]
	)
	frappe.db.sql("update `tabSeries` set `current` = %s where `name` = %s", (current + count, prefix))
	return [f"{prefix}{number:0{digits}d}" for number in range(current + 1, current + count + 1)]


def _static_default(df):
	default = df.default
	if default in (None, "") or (isinstance(default, str) and default.startswith((":", "__"))):
		default = None
	if isinstance(default, str) and default.lower() in ("today", "now"):
		default = None
	if df.fieldtype in NUMERIC_TYPES:
		return frappe.utils.flt(default) if df.fieldtype not in ("Int", "Check") else cint(default)
	return default


def _executemany(sql: str, rows: list[tuple]):
	if not rows:
		return
	if not getattr(frappe.db, "_conn", None):
		frappe.db.connect()
	frappe.db._cursor.executemany(sql, rows)


def _insert_sql(table: str, columns: Iterable[str]) -> str:
	columns = list(columns)
	# Only %s placeholders: pymysql folds executemany into one multi-row INSERT only then.
	return "insert into `tab{}` ({}) values ({})".format(
		table, ", ".join(f"`{c}`" for c in columns), ", ".join(["%s"] * len(columns))
	)


def sanitise_values(values: dict, fields: list) -> dict:
	"""What Document.save does to text before storing it (`BaseDocument._sanitize_content`, against stored
	XSS): the set-based writer never runs it, so imported text gets the same treatment here. Text with
	markup goes through Frappe's `sanitize_html` (links made clickable in Text Editor fields); fields Frappe
	leaves alone (Code, Attach, e-mail addresses, `ignore_xss_filter`) are left alone too."""
	from frappe.utils.html_utils import sanitize_html

	for df in fields:
		value = values.get(df.fieldname)
		if not isinstance(value, str) or ("<" not in value and ">" not in value):
			continue
		if (
			df.get("ignore_xss_filter")
			or (df.fieldtype in ("Data", "Small Text", "Text") and df.get("options") == "Email")
			or df.fieldtype in ("Attach", "Attach Image", "Barcode", "Code")
		):
			continue
		values[df.fieldname] = sanitize_html(value, linkify=df.fieldtype == "Text Editor")
	return values


def write_customers(rows: list[CheckedRow], batch, departments: dict[str, str], progress=None) -> dict:
	"""Insert the accepted rows with their phone-index and ownership-log rows; returns counts."""
	meta = frappe.get_meta(CUSTOMER)
	fields = import_fields(meta)
	series = (meta.get_field("naming_series").options or "").split("\n")[0] or "CUS-.YYYY.-.#####"
	names = reserve_names(series, len(rows))
	masked = [f for f in PHONE_FIELDS[CUSTOMER] if meta.has_field(f"{f}_masked")]
	# With the duplicate-name ban on, the unique index on name_key_unique guards imports too.
	banned = duplicate_name_policy() == "Ban" and meta.has_field("name_key_unique")
	user, now = frappe.session.user, now_datetime()
	defaults = {df.fieldname: _static_default(df) for df in fields}
	system = (
		"name",
		"naming_series",
		"name_key",
		"name_pinyin",
		"name_initials",
		"sales_department",
		"customer_pool",
		"lifecycle_state",
		"claimed_on",
		"owner",
		"modified_by",
		"creation",
		"modified",
		"docstatus",
		"idx",
	)
	columns = [df.fieldname for df in fields] + list(system) + [f"{f}_masked" for f in masked]
	if banned:
		columns.append("name_key_unique")
	customer_sql = _insert_sql(CUSTOMER, columns)
	phone_sql = _insert_sql(
		"Phone Number Index",
		(
			"name",
			"phone_key",
			"national_number",
			"extension",
			"number_type",
			"raw_number",
			"reference_doctype",
			"reference_name",
			"reference_field",
			"customer",
			"owner",
			"modified_by",
			"creation",
			"modified",
		),
	)
	log_sql = _insert_sql(
		"Customer Ownership Log",
		(
			"name",
			"customer",
			"action",
			"to_salesperson",
			"to_pool",
			"reason",
			"done_by",
			"done_at",
			"owner",
			"modified_by",
			"creation",
			"modified",
		),
	)
	reason = _("Import batch {0}").format(batch.name)
	pool = batch.customer_pool or default_pool("Customer")
	assigned = 0
	for start in range(0, len(rows), INSERT_CHUNK):
		chunk = rows[start : start + INSERT_CHUNK]
		chunk_names = names[start : start + INSERT_CHUNK]
		customers, phones, logs = [], [], []
		for row, name, log_name in zip(chunk, chunk_names, new_row_names(len(chunk)), strict=True):
			values = sanitise_values(row.values, fields)
			salesperson = values.get("salesperson") or batch.salesperson or None
			values["salesperson"] = salesperson
			assigned += bool(salesperson)
			# CUS-10: imported and never contacted is Pending with its owner; without one, the pool.
			state, to_pool = ("Pending", None) if salesperson else ("Pool", pool)
			record = [values.get(f, defaults[f]) for f in columns[: len(fields)]]
			record += [
				name,
				series,
				row.name_key,
				row.name_pinyin,
				initials_key(row.name_pinyin),
				departments.get(salesperson) if salesperson else None,
				to_pool,
				state,
				now if salesperson else None,
				user,
				user,
				now,
				now,
				0,
				0,
			]
			record += [display_value(values.get(f)) for f in masked]
			if banned:
				record.append(row.name_key or None)
			customers.append(record)
			for fieldname, phone in row.phones:
				if fieldname in PHONE_FIELDS[CUSTOMER]:
					phones.append(
						[
							phone.key,
							phone.national_number,
							phone.extension,
							phone.number_type,
							values.get(fieldname),
							CUSTOMER,
							name,
							fieldname,
							name,
							user,
							user,
							now,
							now,
						]
					)
			logs.append(
				(log_name, name, "Import", salesperson, to_pool, reason, user, now, user, user, now, now)
			)
		_executemany(customer_sql, customers)
		_executemany(phone_sql, [(n, *p) for n, p in zip(new_row_names(len(phones)), phones, strict=True)])
		_executemany(log_sql, logs)
		if progress:
			progress(start + len(chunk), len(rows))
	return {"imported": len(rows), "assigned": assigned, "unassigned": len(rows) - assigned}


# ---------------------------------------------------------------------------------------------------
# Error report


def build_error_report(rows: list[CheckedRow], raw_value) -> bytes:
	"""One line per problem: row number as the sheet shows it, column label, value, translated message."""
	from openpyxl import Workbook

	meta = frappe.get_meta(CUSTOMER)
	wb = Workbook(write_only=True)
	ws = wb.create_sheet(_("Import Errors")[:31])
	ws.append([_("Row"), _("Column"), _("Value"), _("Problem"), _("Kind")])
	for row in rows:
		for fieldname, code, args in row.problems:
			label = _(column_label(meta, fieldname))
			raw = raw_value(row.row_number, fieldname)
			ws.append(
				[
					row.row_number,
					label,
					as_text(raw),
					problem_message(code, args, label),
					_("Duplicate") if code in DUPLICATE_CODES else _("Error"),
				]
			)
	buffer = io.BytesIO()
	wb.save(buffer)
	return buffer.getvalue()


def _attach_report(batch, content: bytes) -> str:
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{batch.name}-errors.xlsx",
			"attached_to_doctype": BATCH,
			"attached_to_name": batch.name,
			"attached_to_field": "error_report",
			"is_private": 1,
			"content": content,
		}
	).insert(ignore_permissions=True)
	return file.file_url


# ---------------------------------------------------------------------------------------------------
# The job


def enqueue_import(batch_name: str):
	frappe.db.set_value(BATCH, batch_name, {"status": "Queued", "job_id": f"customer_import::{batch_name}"})
	frappe.enqueue(
		"crm_suite.services.customer_import.run_import",
		queue="long",
		timeout=3600,
		job_id=f"customer_import::{batch_name}",
		deduplicate=True,
		enqueue_after_commit=True,
		now=bool(frappe.flags.in_test),
		batch_name=batch_name,
	)


def run_import(batch_name: str) -> dict:
	"""Background job: import one batch and record its outcome; never raises for bad input."""
	batch = frappe.get_doc(BATCH, batch_name)
	frappe.local.lang = frappe.translate.get_user_lang(frappe.session.user)
	batch.db_set({"status": "Running", "started_on": now_datetime(), "finished_on": None, "message": None})
	frappe.db.savepoint("customer_import")
	try:
		outcome = import_batch(batch)
	except (ImportFileInvalid, ImportTooLarge) as e:
		frappe.db.rollback(save_point="customer_import")
		frappe.clear_messages()
		outcome = {"status": "Failed", "message": str(e)}
	except Exception:
		frappe.db.rollback(save_point="customer_import")
		frappe.log_error(title=_("Customer import {0} failed").format(batch_name))
		outcome = {"status": "Failed", "message": _("The import failed unexpectedly; nothing was written.")}
	timings = outcome.pop("timings", None)
	batch.db_set({**outcome, "finished_on": now_datetime()})
	frappe.publish_realtime(
		"customer_import_done",
		{"batch": batch.name, "status": batch.status, "imported": batch.imported_rows},
		user=batch.owner,
		after_commit=True,
	)
	return {**outcome, "timings": timings}


def import_batch(batch) -> dict:
	user = frappe.session.user
	title = _("Importing customers")

	def progress(percent: float, description: str):
		frappe.publish_progress(percent, title=title, description=description)

	timings, began = {}, time.perf_counter()

	def lap(phase: str):
		nonlocal began
		timings[phase] = round(time.perf_counter() - began, 2)
		began = time.perf_counter()

	progress(1, _("Reading the file"))
	path = _file_path(batch.import_file)
	wb, ws = open_sheet(path)
	try:
		mapped, data = read_rows(ws, max_import_rows(), sheet_rows(path, wb, ws))
	finally:
		wb.close()
	lap("read")
	meta = frappe.get_meta(CUSTOMER)
	specs = [column_spec(df) if df else None for df in mapped]
	region, area = phone_settings()
	department = (
		frappe.db.get_value("Sales Staff", batch.salesperson, "sales_department")
		if batch.salesperson
		else None
	)
	checker = RowChecker(specs, required_fieldnames(meta, department), region, area)
	positions = {s.fieldname: i for i, s in enumerate(specs) if s}
	checked = []
	step = max(1, len(data) // PROGRESS_STEPS)
	for index, (number, cells) in enumerate(data):
		checked.append(checker.check(number, cells))
		if index % step == 0:
			progress(5 + 45 * index / len(data), _("Checking row {0} of {1}").format(index + 1, len(data)))
	lap("check")
	progress(50, _("Looking for duplicates"))
	departments = resolve_links(checked, specs, user)
	if batch.salesperson:
		departments.update(assignable_salespeople({batch.salesperson}, user))
	find_duplicates(checked, bool(frappe.db.get_single_value("CRM Suite Settings", "duplicate_phone_check")))
	apply_owned_limits(checked, batch)
	lap("links_and_duplicates")
	cells_by_number = dict(data)

	def raw_value(row_number: int, fieldname: str):
		position, cells = positions.get(fieldname), cells_by_number[row_number]
		return cells[position] if position is not None and position < len(cells) else None

	accepted = [r for r in checked if r.ok]
	failed = [r for r in checked if r.problems and not all(p[1] in DUPLICATE_CODES for p in r.problems)]
	duplicates = [r for r in checked if r.problems and all(p[1] in DUPLICATE_CODES for p in r.problems)]
	counts = {
		"total_rows": len(checked),
		"failed_rows": len(failed),
		"duplicate_rows": len(duplicates),
		"imported_rows": 0,
		"assigned_rows": 0,
		"unassigned_rows": 0,
	}
	blocked = batch.import_mode == ALL_OR_NOTHING and failed
	if accepted and not blocked:

		def write_progress(done: int, total: int):
			progress(60 + 39 * done / total, _("Saving customer {0} of {1}").format(done, total))

		written = write_customers(accepted, batch, departments, write_progress)
		lap("write")
		counts.update(
			imported_rows=written["imported"],
			assigned_rows=written["assigned"],
			unassigned_rows=written["unassigned"],
		)
	report = None
	if failed or duplicates:
		report = _attach_report(batch, build_error_report(failed + duplicates, raw_value))
	if blocked:
		status = "Failed"
		message = _(
			"{0} rows have errors; nothing was imported (all or nothing). See the error report."
		).format(len(failed))
	elif failed and not counts["imported_rows"]:
		status = "Failed"
		message = _("{0} rows have errors; no customer was imported. See the error report.").format(
			len(failed)
		)
	elif failed:
		status = "Partially Completed"
		message = _("{0} customers imported, {1} rows with errors skipped.").format(
			counts["imported_rows"], len(failed)
		)
	else:
		status = "Completed"
		message = _("{0} customers imported.").format(counts["imported_rows"])
	if duplicates:
		message += " " + _("{0} duplicates skipped.").format(len(duplicates))
	progress(100, message)
	lap("report")
	return {**counts, "status": status, "message": message, "error_report": report, "timings": timings}
