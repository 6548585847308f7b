"""Customer search for link fields and the awesome bar (SPEC CUS-06): by code, name, short name and
pinyin (full or initials: `bjhl` finds 北京华联), always through the permission-aware list query so the
row scope (ORG-03) holds."""

import frappe


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def customer_query(
	doctype: str, txt: str, searchfield: str, start: int, page_len: int, filters: dict | str | None
) -> list:
	txt = (txt or "").strip()
	like = f"%{txt.lower()}%" if txt else "%"
	or_filters = [
		["Customer Account", "name", "like", like],
		["Customer Account", "customer_name", "like", like],
		["Customer Account", "short_name", "like", like],
		["Customer Account", "name_pinyin", "like", like],
	]
	return frappe.get_list(
		"Customer Account",
		fields=["name", "customer_name", "salesperson", "lifecycle_state"],
		filters=filters or None,
		or_filters=or_filters,
		order_by="modified desc",
		start=start,
		page_length=page_len,
		as_list=True,
	)
