"""Bulk writes of new customers: the one write path of the Excel import (SPEC CUS-07) and the demo loader.

Each customer is written with its phone-index rows (CUS-08, CALL-02) and one ownership-log row (ORG-05),
as the controller writes them for a single save, but set-based: multi-row INSERTs per chunk, parameterised
through `frappe.db.sql` (pypika's builder costs several times the write itself at 100k rows). The level-0
masked copies of phone numbers (ORG-06) and, with the duplicate-name ban on, the unique name key (CUS-04)
are filled here too, so no bulk-written customer misses them.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import chain, islice, repeat
from typing import NamedTuple

import frappe
from frappe.utils import now_datetime

from crm_suite.policies.phones import mask_phone
from crm_suite.services import holding_rollup
from crm_suite.services.customer_fields import CUSTOMER, duplicate_name_policy
from crm_suite.services.masking import masking_enabled
from crm_suite.services.ownership import new_row_names
from crm_suite.services.phone_index import PHONE_FIELDS

PHONE_INDEX = "Phone Number Index"
OWNERSHIP_LOG = "Customer Ownership Log"
CHUNK = 5000
# A statement's values, in characters: well under MariaDB's max_allowed_packet (16 MB by default) even
# when every character takes four bytes, whatever text an imported sheet holds.
STATEMENT_CHARS = 1_000_000
_is_text = str.__instancecheck__  # isinstance(value, str), callable from builtins like map and filter
PHONE_COLUMNS = (
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
)
LOG_COLUMNS = (
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
)


class IndexedPhone(NamedTuple):
	fieldname: str
	raw_number: str
	phone_key: str
	national_number: str
	extension: str | None
	number_type: str | None


class NewCustomer(NamedTuple):
	values: Sequence  # in the order of the writer's `columns`
	phones: Sequence[IndexedPhone]
	to_salesperson: str | None
	to_pool: str | None
	reason: str | None = None


def insert_customers(
	columns: Sequence[str],
	customers: Iterable[NewCustomer],
	action: str = "Import",
	chunk_size: int = CHUNK,
	after_chunk: Callable[[int], None] | None = None,
	now: datetime | None = None,
) -> int:
	"""Insert new customers (`columns` must hold `name`) with their index and log rows, `chunk_size` at a
	time, stamped `now` (default: the time of the call); `after_chunk(done)` runs after each chunk
	(progress, commit). Returns how many were written."""
	user, now = frappe.session.user, now or now_datetime()
	meta = frappe.get_meta(CUSTOMER)
	stamps = {"owner": user, "modified_by": user, "creation": now, "modified": now, "docstatus": 0, "idx": 0}
	stamps = {c: v for c, v in stamps.items() if c not in columns}
	masked = [
		columns.index(f)
		for f in PHONE_FIELDS[CUSTOMER]
		if f in columns and f"{f}_masked" not in columns and meta.has_field(f"{f}_masked")
	]
	copy = mask_phone if masking_enabled() else None
	unique_key = (
		columns.index("name_key")
		if "name_key" in columns
		and "name_key_unique" not in columns
		and meta.has_field("name_key_unique")
		and duplicate_name_policy() == "Ban"
		else None
	)
	all_columns = [*columns, *stamps, *(f"{columns[i]}_masked" for i in masked)]
	if unique_key is not None:
		all_columns.append("name_key_unique")
	stamp_values = tuple(stamps.values())
	row_stamps = (user, user, now, now)  # owner, modified_by, creation, modified of index and log rows
	at_name = columns.index("name")
	done = 0
	for chunk in _chunks(customers, chunk_size):
		rows, phones, logs = [], [], []
		for customer, log_name in zip(chunk, new_row_names(len(chunk)), strict=True):
			values, name = customer.values, customer.values[at_name]
			row = [*values, *stamp_values]
			row += [copy(values[i]) if copy and values[i] else values[i] for i in masked]
			if unique_key is not None:
				row.append(values[unique_key] or None)
			rows.append(row)
			phones += [(name, *phone) for phone in customer.phones]
			# customer[2:]: to_salesperson, to_pool, reason
			logs.append((log_name, name, action, *customer[2:], user, now, *row_stamps))
		insert_rows(CUSTOMER, all_columns, rows)
		holding_rollup.add([row[at_name] for row in rows])  # counted per salesperson and type (RPT-11)
		insert_rows(
			PHONE_INDEX,
			PHONE_COLUMNS,
			[
				(row_name, key, national, extension, kind, raw, CUSTOMER, name, field, name, *row_stamps)
				for row_name, (name, field, raw, key, national, extension, kind) in zip(
					new_row_names(len(phones)), phones, strict=True
				)
			],
		)
		insert_rows(OWNERSHIP_LOG, LOG_COLUMNS, logs)
		done += len(chunk)
		if after_chunk:
			after_chunk(done)
	return done


def insert_rows(doctype: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
	"""Multi-row INSERTs of `rows` (values in `columns` order), as few statements as the size limit allows."""
	if not rows:
		return
	head = "insert into `tab{}` ({}) values ".format(doctype, ", ".join(f"`{c}`" for c in columns))
	placeholders = "({})".format(", ".join(["%s"] * len(columns)))
	# Each row's size is the length of its text values joined (numbers and dates are short), measured
	# with builtins only: no Python-level call per value, which would cost as much as the escaping.
	sizes = map(len, map("".join, map(filter, repeat(_is_text), rows)))
	start = size = 0
	for end, row_size in enumerate(sizes, start=1):
		size += row_size + len(columns)
		if size >= STATEMENT_CHARS or end == len(rows):
			part = rows[start:end]
			frappe.db.sql(head + ", ".join([placeholders] * len(part)), list(chain.from_iterable(part)))
			start, size = end, 0


def _chunks(items: Iterable, size: int) -> Iterator[list]:
	it = iter(items)
	while chunk := list(islice(it, size)):
		yield chunk


def refresh_statistics(*doctypes: str) -> None:
	"""Have InnoDB sample the tables' index statistics again after a bulk load (call after committing it): its
	automatic recount lags a load of many rows, and until it runs the optimiser plans with the old row counts —
	e.g. a manager's Kanban board read 80k opportunities by salesperson where the `modified` index finds its
	first 700 (1.2 s vs 0.1 s), right after 200k were bulk-written."""
	for doctype in doctypes:
		frappe.db.sql(f"analyze table `tab{doctype}`")
