"""Issue 3 / SPEC CUS-04: the duplicate-name check a customer insert runs (normalise + indexed lookup),
p95 at the site's scale; baseline: the same lookup by a LIKE on the raw customer name (what a naive
check does), measured in the same run on a smaller sample."""

import time

from harness import emit_latency


def run(frappe, scale: int, repeats: int = 3, **_):
	from crm_suite.demo.generator import customer_rows
	from crm_suite.policies.names import normalise_company_name

	total = frappe.db.count("Customer Account")
	probes = [r["customer_name"] for r in customer_rows(200, seed=5, start=max(0, total - 5000))]
	probes += [f"不存在{i}公司有限公司" for i in range(200)]

	def indexed(name: str):
		key = normalise_company_name(name)
		return frappe.db.get_value(
			"Customer Account", {"name_key": key}, ["name", "salesperson"], as_dict=True
		)

	samples = []
	for name in probes:
		began = time.perf_counter()
		indexed(name)
		samples.append(time.perf_counter() - began)

	like_samples = []
	for name in probes[:10]:
		began = time.perf_counter()
		frappe.db.sql(
			"select name from `tabCustomer Account` where customer_name like %s limit 1",
			(f"%{normalise_company_name(name)}%",),
		)
		like_samples.append(time.perf_counter() - began)

	emit_latency("duplicate_check_p95", samples, like_samples, total, "LIKE '%name%' scan")
