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
