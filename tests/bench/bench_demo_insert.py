"""Foundation benchmark: demo-data bulk insert rate vs Frappe's per-document insert(), same run.

Rates count customers (each bulk customer also writes two phone-index rows and one log row, as
insert() does through the controller). Runs in a transaction that is rolled back, so the site's
scale is unchanged; `--keep` commits the bulk rows (how benchmarks build their 1M scale)."""

from harness import emit, median_seconds


def run(frappe, scale: int, repeats: int = 3, keep: bool = False, **_):
	from crm_suite.demo.generator import customer_rows
	from crm_suite.demo.load import bulk_insert_customers, make_demo_org

	org = make_demo_org()
	owners = [(u, frappe.db.get_value("Sales Staff", u, "sales_department")) for u in org["salespeople"]]
	existing = frappe.db.count("Customer Account")
	frappe.db.commit()
	frappe.db.set_single_value("CRM Suite Settings", "duplicate_name_policy", "Off")

	batch = max(1000, min(scale, 20000))
	# fresh generator indexes right after the site's rows (the loader fills 0..existing-1); rolled back after
	offset = [existing]

	def bulk():
		rows = customer_rows(batch, seed=11, salespeople=owners, start=offset[0])
		offset[0] += batch
		bulk_insert_customers(rows)

	bulk_seconds, _ = median_seconds(bulk, repeats)
	frappe.db.rollback()

	per_doc = 300
	baseline_rows = list(
		customer_rows(per_doc * repeats, seed=12, salespeople=owners, start=existing + batch * repeats)
	)
	chunks = iter([baseline_rows[i * per_doc : (i + 1) * per_doc] for i in range(repeats)])
	fields = (
		"customer_name",
		"customer_category",
		"customer_source",
		"industry",
		"mobile_no",
		"phone",
		"website",
	)

	def one_by_one():
		for row in next(chunks):
			doc = frappe.get_doc({"doctype": "Customer Account", **{f: row[f] for f in fields}})
			doc.salesperson = row["salesperson"]
			doc.insert(ignore_permissions=True)

	doc_seconds, _ = median_seconds(one_by_one, repeats)
	frappe.db.rollback()

	emit(
		"demo_bulk_insert_rate",
		batch / bulk_seconds,
		"customers/s",
		per_doc / doc_seconds,
		scale=existing,
		n=batch,
		baseline_name="per-document insert()",
	)
	if keep:
		from crm_suite.demo.load import load_customers

		result = load_customers(scale, seed=11)
		emit(
			"demo_load_kept", result["rows_per_second"], "customers/s", None, scale=existing + scale, n=scale
		)
