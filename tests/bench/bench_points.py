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
	from crm_suite.policies import points as policy
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

	draft = frappe.get_doc({"doctype": "Customer Order", "customer": customer, "lines": lines})
	draft.run_method("validate")  # priced lines, as the controller leaves them before the points step

	def points_step() -> float:
		began = time.perf_counter()
		loyalty.set_order_points(draft)
		return time.perf_counter() - began

	def points_per_line() -> float:
		"""The naive way: each line's rules fetched on their own (one query per line)."""
		eligible, kind = loyalty.customer_points_profile(customer)
		began = time.perf_counter()
		for line in draft.lines:
			rules = loyalty.rules_for([line.product], kind)
			line.points = policy.line_points(
				policy.pick_rule(rules, line.product, line.unit, kind), line.qty, line.amount
			)
		return time.perf_counter() - began

	try:
		one_insert()  # warm caches (meta, products, rules) for both
		samples = [one_insert() for _ in range(samples_n)]
		baseline = [line_by_line() for _ in range(max(3, samples_n // 5))]
		step = [points_step() for _ in range(samples_n * 5)]
		step_baseline = [points_per_line() for _ in range(samples_n * 5)]
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
	emit_latency(
		"order_points_step_50_lines",
		step,
		step_baseline,
		scale=LINES,
		baseline_name="the same lines' rules fetched one query per line",
	)
