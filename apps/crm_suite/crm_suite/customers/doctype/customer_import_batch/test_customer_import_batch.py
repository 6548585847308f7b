"""Customer import from Excel (SPEC CUS-07): template, checks, dedupe, both modes, error report,
malformed files, Custom Fields with no code, batch counts for RPT-09."""

import io
import random
import zipfile

import frappe
from openpyxl import Workbook, load_workbook

from crm_suite.api import customers as api
from crm_suite.policies.names import normalise_company_name
from crm_suite.services.customer_import.job import ALL_OR_NOTHING, VALID_ROWS, run_import
from crm_suite.services.customer_import.template import build_template
from crm_suite.tests.utils import (
	CRMTestCase,
	add_customer_fields,
	drop_customer_fields,
	make_customer,
	make_sales_team,
	make_user,
)

CUSTOM_FIELD = "crm_test_wechat_id"
CUSTOM_INT_FIELD = "crm_test_branch_count"
# Mobile prefixes the demo generator never uses: no clash with demo data on a dev site.
PREFIXES = ("192", "196", "145")


def mobile() -> str:
	return random.choice(PREFIXES) + f"{random.randrange(10**8):08d}"


def company() -> str:
	return f"导入测试{frappe.generate_hash(length=10)}有限公司"


def template_sheet():
	wb = load_workbook(io.BytesIO(build_template()))
	return wb, wb.worksheets[0]


def xlsx_file(
	rows: list[dict] | None = None, header: list | None = None, raw_rows: list | None = None, merge=None
):
	"""A File holding the import template with `rows` (by fieldname) from its third row on, or a sheet
	with an arbitrary `header` and `raw_rows`."""
	if header is None:
		wb, ws = template_sheet()
		fieldnames = [c.value for c in ws[2]]
		for row in rows or []:
			ws.append([row.get(f) for f in fieldnames])
	else:
		wb = Workbook()
		ws = wb.active
		ws.append(header)
		for row in raw_rows or []:
			ws.append(row)
	if merge:
		ws.merge_cells(merge)
	buffer = io.BytesIO()
	wb.save(buffer)
	return save_file(f"import-{frappe.generate_hash(length=6)}.xlsx", buffer.getvalue())


def save_file(file_name: str, content: bytes) -> str:
	return (
		frappe.get_doc({"doctype": "File", "file_name": file_name, "content": content, "is_private": 1})
		.insert(ignore_permissions=True)
		.file_url
	)


def run_batch(file_url: str, mode: str = ALL_OR_NOTHING, **options):
	batch = frappe.get_doc(
		{"doctype": "Customer Import Batch", "import_file": file_url, "import_mode": mode, **options}
	).insert(ignore_permissions=True)
	run_import(batch.name)
	return frappe.get_doc("Customer Import Batch", batch.name)


def report_lines(batch) -> list[tuple]:
	file_name = frappe.db.get_value("File", {"file_url": batch.error_report}, "name")
	content = frappe.get_doc("File", file_name).get_content()
	ws = load_workbook(io.BytesIO(content)).worksheets[0]
	return [tuple(r) for r in ws.iter_rows(min_row=2, values_only=True)]


def stored(rows: list[dict]) -> dict[str, str]:
	"""{company name: customer} of the file's rows now stored (looked up through the indexed name key)."""
	names = {r["customer_name"] for r in rows if r.get("customer_name")}
	keys = [normalise_company_name(n) for n in names]
	found = frappe.get_all(
		"Customer Account", filters={"name_key": ("in", keys)}, fields=["customer_name", "name"], as_list=True
	)
	return {customer_name: name for customer_name, name in found if customer_name in names}


def customers_of(batch_name: str, rows: list[dict]) -> list[str]:
	"""Customers the batch wrote, by their Import log rows."""
	customers = list(stored(rows).values())
	return frappe.get_all(
		"Customer Ownership Log",
		filters={
			"customer": ("in", customers or [""]),
			"action": "Import",
			"reason": ("like", f"%{batch_name}"),
		},
		pluck="customer",
	)


class TestCustomerImport(CRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		add_customer_fields((CUSTOM_FIELD, "WeChat ID", "Data"), (CUSTOM_INT_FIELD, "Branch Count", "Int"))

	@classmethod
	def tearDownClass(cls):
		drop_customer_fields(CUSTOM_FIELD, CUSTOM_INT_FIELD)
		super().tearDownClass()

	def row(self, **values) -> dict:
		return {"customer_name": company(), "website": "https://example.cn", "mobile_no": mobile(), **values}

	# Template

	def test_template_has_labels_hidden_fieldnames_lists_and_custom_fields(self):
		wb, ws = template_sheet()
		fieldnames = [c.value for c in ws[2]]
		labels = [c.value for c in ws[1]]
		self.assertTrue(ws.row_dimensions[2].hidden)
		for fieldname in ("customer_name", "mobile_no", "customer_category", "province", "salesperson"):
			self.assertIn(fieldname, fieldnames)
		self.assertIn(CUSTOM_FIELD, fieldnames, "admin-added Custom Field is a template column")
		self.assertNotIn("name_key", fieldnames)
		self.assertNotIn("lifecycle_state", fieldnames)
		self.assertEqual(labels[fieldnames.index("customer_name")], "Company Name *")
		self.assertEqual(labels[fieldnames.index(CUSTOM_FIELD)], "WeChat ID")
		lists = wb["Lists"]
		self.assertEqual(lists.sheet_state, "hidden")
		columns = {col[0].value: [c.value for c in col[1:] if c.value] for col in lists.iter_cols()}
		self.assertIn("Potential", columns["customer_category"])
		self.assertIn("北京市", columns["province"])
		self.assertNotIn("北京城区", columns["province"], "province list holds provinces only")
		validated = {str(dv.sqref).split(":")[0] for dv in ws.data_validations.dataValidation}
		category_column = ws.cell(row=1, column=fieldnames.index("customer_category") + 1).column_letter
		self.assertIn(f"{category_column}3", validated)

	def test_template_labels_follow_the_users_language(self):
		frappe.local.lang = "zh"
		try:
			_wb, ws = template_sheet()
		finally:
			frappe.local.lang = "en"
		labels = [c.value for c in ws[1]]
		self.assertIn("公司名称 *", labels)
		self.assertIn("手机号", labels)

	# Valid files

	def test_valid_file_imports_pool_customers_with_keys_index_logs_and_custom_field(self):
		rows = [
			self.row(
				customer_name="北京华联（集团）导入测试有限公司",
				customer_category="Potential",
				province="北京市",
			),
			self.row(**{CUSTOM_FIELD: "wx_hualian", CUSTOM_INT_FIELD: "12", "stars": 4, "is_target": "是"}),
			self.row(phone="010-88886666转123", customer_source="Website"),
		]
		batch = run_batch(xlsx_file(rows))
		self.assertEqual(batch.status, "Completed", batch.message)
		self.assertEqual(
			(batch.total_rows, batch.imported_rows, batch.failed_rows, batch.duplicate_rows), (3, 3, 0, 0)
		)
		self.assertEqual((batch.assigned_rows, batch.unassigned_rows), (0, 3))
		self.assertFalse(batch.error_report)
		names = customers_of(batch.name, rows)
		self.assertEqual(len(names), 3, "one Import log row per customer")
		docs = {d.customer_name: d for d in (frappe.get_doc("Customer Account", n) for n in names)}
		first = docs["北京华联（集团）导入测试有限公司"]
		self.assertRegex(first.name, r"^CUS-\d{4}-\d{5,}$")
		self.assertEqual(first.name_key, normalise_company_name(first.customer_name))
		self.assertEqual(first.name_key, "北京华联集团导入测试")
		self.assertIn("bjhl", first.name_pinyin)
		self.assertEqual((first.lifecycle_state, first.customer_pool), ("Pool", "Public Sea"))
		self.assertEqual(first.customer_category, "Potential")
		second = docs[rows[1]["customer_name"]]
		self.assertEqual(second.get(CUSTOM_FIELD), "wx_hualian", "Custom Field imported with no code")
		self.assertEqual(second.get(CUSTOM_INT_FIELD), 12)
		self.assertEqual((second.stars, second.is_target), (0.8, 1))
		third = docs[rows[2]["customer_name"]]
		self.assertEqual(third.customer_source, "Website")
		keys = frappe.get_all(
			"Phone Number Index", filters={"reference_name": third.name}, fields=["phone_key", "extension"]
		)
		self.assertEqual(
			sorted((k.phone_key, k.extension) for k in keys),
			sorted([("+86" + rows[2]["mobile_no"], ""), ("+861088886666", "123")]),
		)
		# a stored imported customer is a normal document: it saves through its controller
		first.short_name = "华联"
		first.save()

	def test_series_block_is_reserved_and_continues(self):
		rows = [self.row(), self.row()]
		batch = run_batch(xlsx_file(rows))
		names = sorted(customers_of(batch.name, rows))
		after = make_customer().name
		numbers = [int(n.rsplit("-", 1)[1]) for n in [*names, after]]
		self.assertEqual(
			numbers, list(range(numbers[0], numbers[0] + 3)), "consecutive, no clash with getseries"
		)

	def test_salesperson_option_and_column_assign_pending_customers(self):
		team = make_sales_team()
		rows = [self.row(), self.row(salesperson=team["sales_b"]), self.row()]
		batch = run_batch(xlsx_file(rows), salesperson=team["sales_a"])
		self.assertEqual(batch.status, "Completed", batch.message)
		self.assertEqual((batch.assigned_rows, batch.unassigned_rows), (3, 0))
		owners = dict(
			frappe.get_all(
				"Customer Account",
				filters={"name": ("in", customers_of(batch.name, rows))},
				fields=["customer_name", "salesperson"],
				as_list=True,
			)
		)
		self.assertEqual(owners[rows[1]["customer_name"]], team["sales_b"])
		self.assertEqual(owners[rows[0]["customer_name"]], team["sales_a"])
		states = frappe.get_all(
			"Customer Account",
			filters={"name": ("in", customers_of(batch.name, rows))},
			fields=["lifecycle_state", "sales_department", "customer_pool"],
		)
		self.assertEqual({(s.lifecycle_state, s.customer_pool) for s in states}, {("Pending", None)})
		self.assertIn("测试一组", {s.sales_department for s in states})
		logs = frappe.get_all(
			"Customer Ownership Log",
			filters={"customer": ("in", customers_of(batch.name, rows))},
			fields=["action", "to_salesperson"],
		)
		self.assertEqual({log.action for log in logs}, {"Import"})
		self.assertEqual(sorted(log.to_salesperson for log in logs).count(team["sales_a"]), 2)

	def test_owned_limit_holds_for_imports(self):
		"""POOL-03 on the import path: rows that would take a salesperson past the owned limit are refused
		(imported Pending customers count as owned), in both modes."""
		from crm_suite.services.pool.kinds import CUSTOMER
		from crm_suite.services.pool.limits import owned_count
		from crm_suite.services.pool.membership import default_pool

		team = make_sales_team()
		owned = owned_count(CUSTOMER, team["sales_a"])
		strategy = frappe.get_doc(
			{"doctype": "Pool Strategy", "strategy_name": "导入上限测试", "max_owned": owned + 1}
		).insert(ignore_permissions=True)
		pool = frappe.get_doc("Customer Pool", default_pool("Customer"))
		self.addCleanup(frappe.clear_document_cache, "Customer Pool", pool.name)  # after the rollback
		pool.strategy = strategy.name
		pool.save(ignore_permissions=True)
		rows = [self.row(), self.row(), self.row()]
		batch = run_batch(xlsx_file(rows), VALID_ROWS, salesperson=team["sales_a"])
		self.assertEqual((batch.imported_rows, batch.failed_rows), (1, 2), batch.message)
		lines = report_lines(batch)
		self.assertEqual([line[0] for line in lines], [4, 5])
		self.assertEqual(
			lines[0][3], f"Limit reached: sales_a already owns {owned} customers; the limit is {owned + 1}."
		)
		self.assertEqual(owned_count(CUSTOMER, team["sales_a"]), owned + 1)
		self.assertEqual(set(stored(rows)), {rows[0]["customer_name"]})
		batch = run_batch(
			xlsx_file([self.row(), self.row(salesperson=team["sales_b"])]), salesperson=team["sales_a"]
		)
		self.assertEqual((batch.status, batch.imported_rows, batch.failed_rows), ("Failed", 0, 1))

	def test_manager_may_assign_only_within_own_scope(self):
		team = make_sales_team()
		rows = [self.row(salesperson=team["outsider"]), self.row(salesperson=team["sales_a"])]
		frappe.set_user(team["manager"])
		batch = run_batch(xlsx_file(rows), VALID_ROWS)
		frappe.set_user("Administrator")
		self.assertEqual((batch.imported_rows, batch.failed_rows), (1, 1))
		lines = report_lines(batch)
		self.assertEqual(lines[0][0], 3)
		self.assertIn(team["outsider"], lines[0][3])

	# Duplicates

	def test_duplicates_in_database_and_in_file_are_skipped_and_reported(self):
		existing = make_customer(customer_name="上海瑞丰导入测试科技有限公司", mobile_no=mobile())
		same_name_variant = self.row(customer_name="上海瑞丰导入测试科技 股份有限公司")
		same_phone = self.row(mobile_no=existing.mobile_no)
		twin_a = self.row(customer_name="杭州恒通导入测试贸易有限公司")
		twin_b = self.row(customer_name="杭州恒通导入测试贸易有限责任公司")
		phone_twin = self.row(mobile_no=twin_a["mobile_no"])
		fresh = self.row()
		rows = [same_name_variant, same_phone, twin_a, twin_b, phone_twin, fresh]
		batch = run_batch(xlsx_file(rows))
		self.assertEqual(batch.status, "Completed", "duplicates do not block an all-or-nothing import")
		self.assertEqual((batch.total_rows, batch.imported_rows, batch.duplicate_rows), (6, 2, 4))
		imported = set(
			frappe.get_all(
				"Customer Account",
				filters={"name": ("in", customers_of(batch.name, rows))},
				pluck="customer_name",
			)
		)
		self.assertEqual(imported, {twin_a["customer_name"], fresh["customer_name"]})
		lines = {line[0]: line for line in report_lines(batch)}
		self.assertEqual(sorted(lines), [3, 4, 6, 7])
		self.assertIn(existing.name, lines[3][3])
		self.assertEqual(lines[3][1], "Company Name")
		self.assertIn(existing.name, lines[4][3])
		self.assertEqual(lines[4][1], "Mobile")
		self.assertEqual(lines[4][2], existing.mobile_no)
		self.assertIn("row 5", lines[6][3])
		self.assertIn("row 5", lines[7][3])
		self.assertEqual({line[4] for line in lines.values()}, {"Duplicate"})

	# Errors and the two modes

	def bad_rows(self) -> list[dict]:
		return [
			self.row(),
			self.row(mobile_no="1381234567"),
			self.row(customer_name=None),
			self.row(customer_category="No Such Category"),
			self.row(**{CUSTOM_INT_FIELD: "many"}),
			self.row(email="not-an-email"),
			self.row(),
		]

	def test_all_or_nothing_writes_nothing_when_a_row_fails(self):
		rows = self.bad_rows()
		batch = run_batch(xlsx_file(rows))
		self.assertEqual(batch.status, "Failed")
		self.assertEqual(
			(batch.total_rows, batch.imported_rows, batch.failed_rows), (7, 0, 5), report_lines(batch)
		)
		self.assertEqual(stored(rows), {}, "no customer written")
		self.assertIn("nothing was imported", batch.message)
		lines = report_lines(batch)
		self.assertEqual(
			[(line[0], line[1]) for line in lines],
			[(4, "Mobile"), (5, "Company Name"), (6, "Category"), (7, "Branch Count"), (8, "Email")],
		)
		self.assertEqual(lines[0][2:4], ("1381234567", "Not a valid phone number: 1381234567"))
		self.assertEqual(lines[1][3], "Company Name is required")
		self.assertEqual(lines[2][3], "Customer Category not found: No Such Category")
		self.assertEqual(lines[3][3], "Not a number: many")

	def test_import_valid_rows_skips_failing_rows(self):
		rows = self.bad_rows()
		batch = run_batch(xlsx_file(rows), VALID_ROWS)
		self.assertEqual(batch.status, "Partially Completed", batch.message)
		self.assertEqual((batch.imported_rows, batch.failed_rows), (2, 5))
		imported = frappe.get_all(
			"Customer Account",
			filters={"name": ("in", customers_of(batch.name, rows))},
			pluck="customer_name",
		)
		self.assertEqual(sorted(imported), sorted([rows[0]["customer_name"], rows[-1]["customer_name"]]))

	def test_error_report_is_in_the_uploaders_language(self):
		admin = make_user("import_admin_zh", ["CRM Admin"])
		frappe.db.set_value("User", admin, "language", "zh")
		frappe.cache.hdel("lang", admin)
		good = self.row(customer_source="电话咨询", customer_category="潜在客户")
		frappe.set_user(admin)
		try:
			batch = run_batch(xlsx_file([self.row(mobile_no="1381234567"), good]), VALID_ROWS)
		finally:
			frappe.set_user("Administrator")
			frappe.local.lang = "en"
		self.assertTrue(batch.error_report, batch.message)
		line = report_lines(batch)[0]
		self.assertEqual(line[1], "手机号")
		self.assertEqual(line[3], "无效的电话号码：1381234567")
		self.assertIn("跳过", batch.message)
		values = frappe.db.get_value(
			"Customer Account",
			stored([good])[good["customer_name"]],
			["customer_source", "customer_category"],
		)
		self.assertEqual(values, ("Phone Inquiry", "Potential"), "translated master names map back")

	# Malformed files

	def assert_refused(self, file_url: str, message: str, mode=ALL_OR_NOTHING, rows=()):
		batch = run_batch(file_url, mode)
		self.assertEqual(batch.status, "Failed")
		self.assertIn(message, batch.message)
		self.assertEqual(batch.imported_rows, 0)
		self.assertEqual(stored(list(rows)), {}, "nothing partially written")
		return batch

	def test_wrong_columns_are_refused(self):
		self.assert_refused(
			xlsx_file(header=["Firma", "Telefon"], raw_rows=[["A GmbH", "123"]]),
			"Unknown columns: Firma, Telefon",
		)
		self.assert_refused(
			xlsx_file(header=["Mobile", "Website"], raw_rows=[["19212345678", "https://a.cn"]]),
			"The file has no Company Name column",
		)
		self.assert_refused(
			xlsx_file(header=["Company Name", "Mobile", "Mobile"], raw_rows=[["甲公司", "1", "2"]]),
			"The column Mobile appears twice",
		)

	def test_labels_without_the_hidden_row_are_matched(self):
		name = company()
		file_url = xlsx_file(
			header=["Company Name *", "手机号", "website"], raw_rows=[[name, 19612345678, "https://a.cn"]]
		)
		batch = run_batch(file_url)
		self.assertEqual(batch.status, "Completed", batch.message)
		customer = stored([{"customer_name": name}])[name]
		mobile_no = frappe.db.get_value("Customer Account", customer, "mobile_no")
		self.assertEqual(mobile_no, "19612345678", "a number cell keeps its digits, not '1.96e10'")

	def test_empty_files_are_refused(self):
		self.assert_refused(xlsx_file([]), "The file has no customer rows")
		self.assert_refused(xlsx_file(header=[]), "The file is empty")

	def test_non_xlsx_files_are_refused(self):
		self.assert_refused(save_file("customers.xlsx", b"name,phone\nA,1\n"), "Please upload an Excel file")
		buffer = io.BytesIO()
		with zipfile.ZipFile(buffer, "w") as archive:
			archive.writestr("readme.txt", "not a workbook")
		self.assert_refused(save_file("archive.xlsx", buffer.getvalue()), "could not be read as an Excel")
		with self.assertRaises(frappe.ValidationError):
			run_batch(save_file("customers.csv", b"name,phone\nB,2\n"))

	def test_merged_cells_are_refused(self):
		rows = [self.row(), self.row()]
		self.assert_refused(xlsx_file(rows, merge="A3:A4"), "merged cells (A3:A4)", rows=rows)

	def test_files_over_the_row_limit_are_refused_before_writing(self):
		frappe.db.set_single_value("CRM Suite Settings", "import_max_rows", 5)
		rows = [self.row() for _ in range(6)]
		self.assert_refused(xlsx_file(rows), "more than 5 customer rows", rows=rows)
		self.assert_refused(xlsx_file(rows), "more than 5 customer rows", VALID_ROWS, rows)
		batch = run_batch(xlsx_file(rows[:5]))
		self.assertEqual(batch.imported_rows, 5)

	# Desk API and permissions

	def test_api_records_a_batch_and_runs_the_job(self):
		admin = make_user("import_admin", ["CRM Admin"])
		file_url = xlsx_file([self.row()])
		frappe.set_user(admin)
		name = api.import_customers(file_url, VALID_ROWS)
		frappe.set_user("Administrator")
		batch = frappe.get_doc("Customer Import Batch", name)
		self.assertEqual((batch.status, batch.imported_rows, batch.owner), ("Completed", 1, admin))
		self.assertEqual(batch.job_id, f"customer_import::{name}")
		self.assertTrue(batch.started_on and batch.finished_on)

	def test_salespeople_cannot_import(self):
		team = make_sales_team()
		file_url = xlsx_file([self.row()])
		frappe.set_user(team["sales_a"])
		with self.assertRaises(frappe.PermissionError):
			api.import_customers(file_url)
		with self.assertRaises(frappe.PermissionError):
			api.download_import_template()

	def test_batch_salesperson_must_be_assignable(self):
		from crm_suite.customers.doctype.customer_import_batch.customer_import_batch import (
			SalespersonNotAssignable,
		)

		team = make_sales_team()
		frappe.set_user(team["manager"])
		with self.assertRaises(SalespersonNotAssignable):
			frappe.get_doc(
				{
					"doctype": "Customer Import Batch",
					"import_file": xlsx_file([self.row()]),
					"salesperson": team["outsider"],
				}
			).insert(ignore_permissions=True)
