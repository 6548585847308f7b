"""Core REST methods that would bypass the row scope (SPEC ORG-03), replaced with scoped versions."""

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
