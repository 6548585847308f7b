"""Order benchmark (SPEC SALE-04): p95 of saving a 50-line sales order (one insert through the controller:
every line priced from the product master in one query, Decimal totals, the floor-price rule) vs. the same
order built line by line through get_doc().save() — the way a client adding lines one at a time saves it —
measured in the same run. Every sample is rolled back, so the site is left as it was (the 50 bench products
and their customer are kept, committed once).

`--scale` is not used (an order has 50 lines); `--repeats` sets the number of samples (x10)."""

import time

from harness import emit_latency

LINES = 50
PRODUCT_CODE = "BENCH-ORDER-{:02d}"


def _shape(frappe) -> tuple[list[str], str]:
	from crm_suite.install import ensure_sales_order_masters

	ensure_sales_order_masters()
	products = []
	for i in range(LINES):
		code = PRODUCT_CODE.format(i)
		name = frappe.db.get_value("Sales Product", {"product_code": code})
		if not name:
			name = (
				frappe.get_doc(
					{
						"doctype": "Sales Product",
						"product_name": f"压测产品{i:02d}",
						"product_code": code,
						"unit": "个",
						"list_price": 10 + i * 3.3,
						"floor_price": 5 + i,
						"default_tax_rate": 13,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
		products.append(name)
	customer = frappe.db.get_value("Customer Account", {"customer_name": "压测订单客户有限公司"})
	if not customer:
		customer = (
			frappe.get_doc(
				{
					"doctype": "Customer Account",
					"customer_name": "压测订单客户有限公司",
					"website": "https://bench.cn",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	frappe.db.commit()
	return products, customer


def _lines(products: list[str]) -> list[dict]:
	return [{"product": p, "qty": 1 + i % 7, "discount_percent": i % 4} for i, p in enumerate(products)]


def run(frappe, scale: int, repeats: int = 3, **_):
	products, customer = _shape(frappe)
	lines = _lines(products)
	samples_n = max(5, repeats * 10)

	def one_insert() -> float:
		began = time.perf_counter()
		frappe.get_doc({"doctype": "Customer Order", "customer": customer, "lines": lines}).insert()
		seconds = time.perf_counter() - began
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

	one_insert()  # warm caches (meta, products) for both
	samples = [one_insert() for _ in range(samples_n)]
	baseline = [line_by_line() for _ in range(max(3, samples_n // 5))]
	emit_latency(
		"order_save_50_lines",
		samples,
		baseline,
		scale=LINES,
		baseline_name="the same order saved line by line through get_doc().save()",
	)
