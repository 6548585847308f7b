"""Order-with-points benchmark (SPEC SALE-08): p95 of saving a 50-line sales order whose customer earns
loyalty points, every line's points computed from the rules (one query for all lines' rules, one for the
customer's three switches), vs. the same order built line by line through get_doc().save() — measured in the
same run. Every sample is rolled back; the bench products, their rules and customer are kept (committed once)
and the site's loyalty switch is put back as it was.

`--scale` is not used (an order has 50 lines); `--repeats` sets the number of samples (x10)."""

import time

from bench_orders import LINES, _lines, _shape
from harness import emit_latency


def run(frappe, scale: int, repeats: int = 3, **_):
	from crm_suite.services import loyalty

	products, customer = _shape(frappe)
	loyalty.set_rules_in_bulk(products, None, None, "Per Unit", 3)
	was_on = frappe.db.get_single_value("CRM Suite Settings", "enable_loyalty_points")
	frappe.db.set_single_value("CRM Suite Settings", "enable_loyalty_points", 1)
	frappe.db.commit()
	lines = _lines(products)
	samples_n = max(5, repeats * 10)

	def one_insert() -> float:
		began = time.perf_counter()
		doc = frappe.get_doc({"doctype": "Customer Order", "customer": customer, "lines": lines}).insert()
		seconds = time.perf_counter() - began
		assert doc.total_points > 0, "the order earned no points"
		frappe.db.rollback()
		return seconds

	def line_by_line() -> float:
		began = time.perf_counter()
		doc = frappe.get_doc({"doctype": "Customer Order", "customer": customer, "lines": lines[:1]}).insert()
		for line in lines[1:]:
			doc = frappe.get_doc("Customer Order", doc.name)
			doc.append("lines", line)
			doc.save()
		seconds = time.perf_counter() - began
		frappe.db.rollback()
		return seconds

	try:
		one_insert()  # warm caches (meta, products, rules) for both
		samples = [one_insert() for _ in range(samples_n)]
		baseline = [line_by_line() for _ in range(max(3, samples_n // 5))]
	finally:
		frappe.db.rollback()
		frappe.db.set_single_value("CRM Suite Settings", "enable_loyalty_points", was_on or 0)
		frappe.db.commit()
	emit_latency(
		"order_save_50_lines_with_points",
		samples,
		baseline,
		scale=LINES,
		baseline_name="the same order with points saved line by line through get_doc().save()",
	)
