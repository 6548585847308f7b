"""A customer import's checks against the database (SPEC CUS-07), set-based: links exist, owners may be
assigned to, owned limits (POOL-03), duplicates of stored customers and within the file (CUS-04); and the
translated message of every problem a row can have (the pure row checks' codes included)."""

from collections.abc import Iterable

import frappe
from frappe import _
from frappe.utils import create_batch, get_fullname

from crm_suite.permissions.scope import visible_users
from crm_suite.policies.import_rows import (
	INVALID_CHECK,
	INVALID_DATE,
	INVALID_EMAIL,
	INVALID_NUMBER,
	INVALID_OPTION,
	INVALID_PHONE,
	REQUIRED,
	TOO_LONG,
	CheckedRow,
)
from crm_suite.services.customer_fields import CUSTOMER
from crm_suite.services.customer_import.template import LIST_LIMIT
from crm_suite.services.pool.kinds import CUSTOMER as POOLED_CUSTOMER
from crm_suite.services.pool.limits import owned_count
from crm_suite.services.pool.locks import lock_user
from crm_suite.services.pool.membership import default_pool, strategy_for

QUERY_CHUNK = 5000
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


def _existing_names(doctype: str, values: Iterable[str]) -> set[str]:
	table = frappe.qb.DocType(doctype)
	found = set()
	for chunk in create_batch(sorted(set(values)), QUERY_CHUNK):
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
	for chunk in create_batch(sorted(set(keys)), QUERY_CHUNK):
		for key, name in (
			frappe.qb.from_(table).select(table.name_key, table.name).where(table.name_key.isin(chunk)).run()
		):
			found.setdefault(key, name)
	return found


def _stored_phone_keys(keys: list[str]) -> dict[str, str]:
	table = frappe.qb.DocType("Phone Number Index")
	found = {}
	for chunk in create_batch(sorted(set(keys)), QUERY_CHUNK):
		for key, customer in (
			frappe.qb.from_(table)
			.select(table.phone_key, table.customer)
			.where(table.phone_key.isin(chunk) & table.customer.isnotnull())
			.run()
		):
			found.setdefault(key, customer)
	return found
