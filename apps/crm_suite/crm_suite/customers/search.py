"""Customer search for link fields and the awesome bar (SPEC CUS-06): by code, registered name and pinyin
(full or initials: `bjhl` finds 北京华联), always through the permission-aware list query so the row scope
(ORG-03) holds.

Every condition is a prefix match on an indexed column — the code (primary key), the normalised name
(`name_key`, policies/names.py: what a name starts with, without spaces, punctuation or case), the full
pinyin and the pinyin initials (policies/pinyin.py) — so MariaDB reads index ranges instead of scanning
the table with leading-wildcard LIKEs. tests/bench/bench_customer_query.py measures both."""

import frappe
from frappe import _
from frappe.utils.data import make_filter_tuple

from crm_suite.policies.names import fold, normalise_company_name
from crm_suite.services.inputs import parse_filters

CUSTOMER = "Customer Account"


def _escape_like(text: str) -> str:
	return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_conditions(txt: str) -> list[list]:
	"""The or-filters of a search text: prefix matches on the indexed search columns."""
	txt = (txt or "").strip()
	if not txt:
		return []
	conditions = [["Customer Account", "name", "like", _escape_like(txt) + "%"]]
	key = normalise_company_name(txt) or fold(txt)
	if key:
		conditions.append(["Customer Account", "name_key", "like", _escape_like(key) + "%"])
	letters = "".join(ch for ch in fold(txt) if ch.isascii() and ch.isalnum())
	if letters and letters == fold(txt).replace(" ", ""):
		conditions.append(["Customer Account", "name_pinyin", "like", letters + "%"])
		conditions.append(["Customer Account", "name_initials", "like", letters + "%"])
	return conditions


# Per search column, the most candidate names read from its index before the query falls back to walking
# the list order (a prefix that broad matches within the first rows of that walk anyway).
CANDIDATES = 5000


def candidate_names(conditions: list[list]) -> list[str] | None:
	"""The names the prefix conditions match, one index range per column; None when a prefix is broad."""
	table = frappe.qb.DocType("Customer Account")
	names: set[str] = set()
	for _doctype, field, _operator, pattern in conditions:
		rows = (
			frappe.qb.from_(table)
			.select(table.name)
			.where(table[field].like(pattern))
			.limit(CANDIDATES + 1)
			.run(pluck=True)
		)
		if len(rows) > CANDIDATES:
			return None
		names.update(rows)
	return sorted(names)


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def customer_query(
	doctype: str, txt: str, searchfield: str, start: int, page_len: int, filters: dict | str | None
) -> list:
	if not (frappe.has_permission(CUSTOMER, "select") or frappe.has_permission(CUSTOMER, "read")):
		# as Frappe's link search asks before it calls a standard query: refused whatever the text matches
		raise frappe.PermissionError(_("You are not permitted to search customers"))
	filters = filter_list(parse_filters(filters))
	start, page_len = max(0, int(start or 0)), min(max(1, int(page_len or 20)), 500)
	query = dict(fields=FIELDS, order_by="modified desc", start=start, page_length=page_len, as_list=True)
	prefixes = search_conditions(txt)
	candidates = candidate_names(prefixes) if prefixes else None
	if not prefixes:
		rows = frappe.get_list("Customer Account", filters=filters, **query)
	elif candidates is None:
		rows = newest_first(
			frappe.get_list("Customer Account", filters=filters, or_filters=prefixes, run=0, **query)
		)
	elif not candidates:
		rows = []
	elif not start and len(candidates) > CHUNK:
		rows = first_page_in_chunks(candidates, filters, query)
	else:
		# narrow text: the row scope and the user's filters are applied to the few rows the indexes found
		rows = frappe.get_list("Customer Account", filters=[*filters, name_in(candidates)], **query)
	rows = [list(row) for row in rows]
	if len(rows) < page_len and not start:
		rows += own_customers_containing(txt, filters, page_len - len(rows), rows)
	return rows


def filter_list(filters: dict | list | None) -> list:
	"""Checked list-view filters (services/inputs.parse_filters) as a list, so more can be added."""
	if isinstance(filters, dict):
		return [make_filter_tuple("Customer Account", key, value) for key, value in filters.items()]
	return list(filters or [])


def name_in(names: list[str]) -> list:
	return ["Customer Account", "name", "in", names]


FIELDS = ["name", "customer_name", "salesperson", "lifecycle_state"]
_FROM = "from `tabCustomer Account`"
# Candidates whose rows are read at once for the first page (each a wide customer row, ~15 µs).
CHUNK = 400


def first_page_in_chunks(candidates: list[str], filters: list, query: dict) -> list:
	"""The first page for thousands of candidates: the newest-created first (names follow the naming series),
	a chunk at a time through the scoped list query, until the page is full — so a salesperson's search reads
	a few hundred rows, not every candidate's. Later pages (start > 0) read all candidates in modified order."""
	rows, page_len = [], query["page_length"]
	ordered = sorted(candidates, reverse=True)
	for i in range(0, len(ordered), CHUNK):
		chunk = [*filters, name_in(ordered[i : i + CHUNK])]
		rows += frappe.get_list(
			"Customer Account", filters=chunk, **{**query, "page_length": page_len - len(rows)}
		)
		if len(rows) >= page_len:
			break
	return rows


def newest_first(sql: str) -> list:
	"""A broad prefix (thousands of matches) is answered by walking the `modified` index newest first until
	the page is full: a few thousand index entries. Left to itself MariaDB unions the four prefix indexes,
	reads every match and sorts them (150 ms at 1M customers instead of 7). The SQL is Frappe's own list
	query (row scope, filters, paging), with the index named."""
	if _FROM in sql:
		sql = sql.replace(_FROM, f"{_FROM} force index (modified)", 1)
	return frappe.db.sql(sql, as_list=True)


def own_customers_containing(txt: str, filters: list, limit: int, found: list) -> list:
	"""Chinese names are searched by what they contain (华联 in 北京华联…), not only by how they start: among
	the user's own customers — one range of the (salesperson, modified) index, a few thousand rows at most —
	a name containing the text also matches (the link field's filters and the row scope still apply).
	Everyone else's customers are found by prefix, code or pinyin."""
	txt = (txt or "").strip()
	if len(txt) < 2 or txt.isascii():
		return []
	seen = {row[0] for row in found}
	rows = frappe.get_list(
		"Customer Account",
		fields=FIELDS,
		filters=[
			*filters,
			["Customer Account", "salesperson", "=", frappe.session.user],
			["Customer Account", "customer_name", "like", f"%{_escape_like(txt)}%"],
		],
		order_by="modified desc",
		page_length=limit + len(seen),
		as_list=True,
	)
	return [list(row) for row in rows if row[0] not in seen][:limit]
