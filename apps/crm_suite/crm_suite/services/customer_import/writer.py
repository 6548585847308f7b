"""Writing a customer import's accepted rows (SPEC CUS-07): names reserved from the naming series in one
block, text sanitised as a save would, owner or pool set (CUS-10), then services/bulk.py writes the
customers with their phone-index and "Import" ownership-log rows."""

import frappe
from frappe import _
from frappe.model.naming import parse_naming_series
from frappe.utils import cint, flt, now_datetime

from crm_suite.policies.import_rows import FLOAT_TYPES, INT_TYPES, CheckedRow
from crm_suite.policies.pinyin import initials_key
from crm_suite.services.bulk import IndexedPhone, NewCustomer, insert_customers
from crm_suite.services.customer_fields import CUSTOMER, import_fields, naming_series
from crm_suite.services.phone_index import PHONE_FIELDS
from crm_suite.services.pool.membership import default_pool

NUMERIC_TYPES = INT_TYPES | FLOAT_TYPES | {"Check", "Rating"}
INSERT_CHUNK = 5000
# Set by the import for every row, after the sheet's own columns.
SYSTEM_COLUMNS = (
	"name",
	"naming_series",
	"name_key",
	"name_pinyin",
	"name_initials",
	"sales_department",
	"customer_pool",
	"lifecycle_state",
	"claimed_on",
	"creation",
	"modified",
)


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
		return flt(default) if df.fieldtype not in ("Int", "Check") else cint(default)
	return default


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
	"""Insert the accepted rows with their phone-index and ownership-log rows; returns counts.
	`progress(done, total)` runs after each chunk."""
	meta = frappe.get_meta(CUSTOMER)
	fields = import_fields(meta)
	series = naming_series(meta)
	names = reserve_names(series, len(rows))
	now = now_datetime()
	defaults = [(df.fieldname, _static_default(df)) for df in fields]
	reason = _("Import batch {0}").format(batch.name)
	pool = batch.customer_pool or default_pool("Customer")
	assigned = 0

	def new_customers():
		nonlocal assigned
		for row, name in zip(rows, names, strict=True):
			values = sanitise_values(row.values, fields)
			salesperson = values.get("salesperson") or batch.salesperson or None
			values["salesperson"] = salesperson
			assigned += bool(salesperson)
			# CUS-10: imported and never contacted is Pending with its owner; without one, the pool.
			state, to_pool = ("Pending", None) if salesperson else ("Pool", pool)
			record = [values.get(f, default) for f, default in defaults]
			record += (
				name,
				series,
				row.name_key,
				row.name_pinyin,
				initials_key(row.name_pinyin),
				departments.get(salesperson) if salesperson else None,
				to_pool,
				state,
				now if salesperson else None,
				now,
				now,
			)
			phones = [
				IndexedPhone(
					fieldname,
					values.get(fieldname),
					phone.key,
					phone.national_number,
					phone.extension,
					phone.number_type,
				)
				for fieldname, phone in row.phones
				if fieldname in PHONE_FIELDS[CUSTOMER]
			]
			yield NewCustomer(record, phones, salesperson, to_pool, reason)

	insert_customers(
		[df.fieldname for df in fields] + list(SYSTEM_COLUMNS),
		new_customers(),
		chunk_size=INSERT_CHUNK,
		after_chunk=(lambda done: progress(done, len(rows))) if progress else None,
		now=now,
	)
	return {"imported": len(rows), "assigned": assigned, "unassigned": len(rows) - assigned}
