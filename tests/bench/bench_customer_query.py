"""Issue 12 (also-list) / SPEC CUS-06: the customer link search (`customer_query`), p95 at the site's scale,
as a salesperson (row scope applied) and as the admin; baseline: the old query — four leading-wildcard
LIKEs (code, name, short name, pinyin) through the same permission-aware list query — in the same run.

Probes: names, pinyin and initials prefixes of existing customers, and texts that match nothing (the
worst case of a scan: every row read)."""

import time

from harness import emit_latency

FIELDS = ["name", "customer_name", "salesperson", "lifecycle_state"]


def old_query(frappe, txt: str, page_len: int = 20) -> list:
	"""The query before: `%txt%` on four columns, no index usable."""
	like = f"%{txt.lower()}%" if txt else "%"
	or_filters = [
		["Customer Account", "name", "like", like],
		["Customer Account", "customer_name", "like", like],
		["Customer Account", "short_name", "like", like],
		["Customer Account", "name_pinyin", "like", like],
	]
	return frappe.get_list(
		"Customer Account",
		fields=FIELDS,
		or_filters=or_filters,
		order_by="modified desc",
		page_length=page_len,
		as_list=True,
	)


def _probes(frappe) -> list[str]:
	rows = frappe.get_all(
		"Customer Account",
		fields=["name", "customer_name", "name_pinyin"],
		order_by="modified desc",
		limit=40,
	)
	probes = []
	for row in rows:
		probes.append((row.customer_name or "")[:4])
		full, _, initials = (row.name_pinyin or "").partition(" ")
		probes += [full[:8], initials[:4]]
	probes += [f"bucunzai{i}" for i in range(10)] + [f"不存在{i}" for i in range(10)]
	return [p for p in probes if p]


def _timed(fn, probes: list[str], repeats: int) -> list[float]:
	samples = []
	for _ in range(repeats):
		for txt in probes:
			began = time.perf_counter()
			fn(txt)
			samples.append(time.perf_counter() - began)
	return samples


def run(frappe, scale: int, repeats: int = 3, **_):
	from crm_suite.customers.search import customer_query

	total = frappe.db.count("Customer Account")
	probes = _probes(frappe)
	salesperson = frappe.db.get_value(
		"Sales Staff", {"enabled": 1, "manages_subordinates": 0}, "user", order_by="creation asc"
	)
	for user in filter(None, ("Administrator", salesperson)):
		frappe.set_user(user)
		try:
			new = _timed(
				lambda txt: customer_query("Customer Account", txt, "name", 0, 20, None), probes, repeats
			)
			old = _timed(lambda txt: old_query(frappe, txt), probes[: max(10, len(probes) // 4)], 1)
		finally:
			frappe.set_user("Administrator")
		emit_latency(
			"customer_query_p95",
			new,
			old,
			total,
			"four LIKE '%txt%' (the old customer_query)",
			user="admin" if user == "Administrator" else "salesperson",
		)
