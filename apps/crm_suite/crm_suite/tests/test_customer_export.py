"""Customer export (SPEC CUS-07) within the row scope (ORG-03) and with phone masking (ORG-06), Frappe's
own Report View export under the same scope, and the envelope print format."""

import csv
import io
import random

import frappe
from openpyxl import load_workbook

from crm_suite.api import customers as api
from crm_suite.services.customer_export import ExportTooLarge, build_export
from crm_suite.tests.utils import (
	CRMTestCase,
	add_customer_fields,
	drop_customer_fields,
	make_customer,
	make_sales_team,
)

CUSTOM_FIELD = "crm_test_export_note"


def mobile() -> str:
	return random.choice(("192", "196", "145")) + f"{random.randrange(10**8):08d}"


def read_export(content: bytes) -> tuple[list, dict[str, dict]]:
	ws = load_workbook(io.BytesIO(content)).worksheets[0]
	rows = list(ws.iter_rows(values_only=True))
	header = list(rows[0])
	return header, {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}


class TestCustomerExport(CRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		add_customer_fields((CUSTOM_FIELD, "Export Note", "Data"))

	@classmethod
	def tearDownClass(cls):
		drop_customer_fields(CUSTOM_FIELD)
		super().tearDownClass()

	def setUp(self):
		super().setUp()
		frappe.db.set_single_value("CRM Suite Settings", "mask_phone_numbers", 1)
		self.team = make_sales_team()
		self.customers = {
			key: make_customer(
				salesperson=salesperson,
				customer_pool="Public Sea" if salesperson is None else None,
				mobile_no=mobile(),
				**{CUSTOM_FIELD: f"note {key}"},
			)
			for key, salesperson in (
				("a", self.team["sales_a"]),
				("b", self.team["sales_b"]),
				("outsider", self.team["outsider"]),
				("pool", None),
			)
		}
		self.filters = [["Customer Account", "name", "in", [c.name for c in self.customers.values()]]]

	def export_as(self, user: str) -> tuple[list, dict[str, dict]]:
		frappe.set_user(user)
		try:
			return read_export(build_export(self.filters))
		finally:
			frappe.set_user("Administrator")

	def names(self, *keys) -> set[str]:
		return {self.customers[k].name for k in keys}

	def test_salespeople_export_their_scope_with_masked_phones(self):
		for user, own, other in (("sales_a", "a", "b"), ("sales_b", "b", "a")):
			_header, rows = self.export_as(self.team[user])
			self.assertEqual(
				set(rows), self.names(own, "pool"), f"{user} exports own and pool customers only"
			)
			mobile_column = "Mobile"
			stored = self.customers[own].mobile_no
			self.assertEqual(rows[self.customers[own].name][mobile_column], stored[:3] + "****" + stored[-4:])
			self.assertNotIn(self.customers[other].name, rows)

	def test_manager_and_admins_export_full_numbers_in_their_scope(self):
		_header, rows = self.export_as(self.team["manager"])
		self.assertEqual(set(rows), self.names("a", "b", "pool"), "manager sees both teams, not the outsider")
		self.assertEqual(rows[self.customers["a"].name]["Mobile"], self.customers["a"].mobile_no)
		for admin in (self.team["admin"], "Administrator"):
			_header, rows = self.export_as(admin)
			self.assertEqual(set(rows), self.names("a", "b", "outsider", "pool"))
			self.assertEqual(rows[self.customers["b"].name]["Mobile"], self.customers["b"].mobile_no)

	def test_export_has_custom_fields_and_readable_values(self):
		header, rows = self.export_as(self.team["manager"])
		self.assertIn("Export Note", header, "admin-added Custom Field exported with no code")
		row = rows[self.customers["a"].name]
		self.assertEqual(row["Export Note"], "note a")
		self.assertEqual(row["Salesperson"], self.team["sales_a"])
		self.assertEqual(row["State"], "Following")

	def test_export_limit_refuses_clearly(self):
		frappe.db.set_single_value("CRM Suite Settings", "export_max_rows", 2)
		with self.assertRaises(ExportTooLarge):
			build_export(self.filters)

	def test_export_endpoint_sends_a_workbook_and_logs_access(self):
		frappe.set_user(self.team["sales_a"])
		api.export_customers(frappe.as_json(self.filters))
		frappe.set_user("Administrator")
		self.assertEqual(frappe.response["type"], "binary")
		self.assertTrue(frappe.response["filename"].endswith(".xlsx"))
		_header, rows = read_export(frappe.response["filecontent"])
		self.assertEqual(set(rows), self.names("a", "pool"))
		self.assertTrue(
			frappe.db.exists(
				"Access Log",
				{"user": self.team["sales_a"], "export_from": "Customer Account", "file_type": "Excel"},
			)
		)

	def test_report_view_export_keeps_the_scope(self):
		"""Frappe's own Report View export (reportview.export_query) runs the permission query too."""
		from frappe.desk.reportview import export_query

		frappe.set_user(self.team["sales_a"])
		try:
			frappe.local.form_dict = frappe._dict(
				doctype="Customer Account",
				file_format_type="CSV",
				fields=frappe.as_json(
					["`tabCustomer Account`.`name`", "`tabCustomer Account`.`customer_name`"]
				),
				filters=frappe.as_json(self.filters),
				title="Customer Account",
			)
			export_query()
		finally:
			frappe.set_user("Administrator")
			frappe.local.form_dict = frappe._dict()
		content = frappe.response["filecontent"]
		text = content.decode("utf-8") if isinstance(content, bytes) else content
		exported = {row[1] for row in list(csv.reader(io.StringIO(text)))[1:]}
		self.assertEqual(exported, self.names("a", "pool"))

	def test_envelope_print_format_renders_postcode_boxes_and_sender(self):
		frappe.db.set_single_value(
			"CRM Suite Settings",
			{
				"sender_name": "华联销售部",
				"sender_address": "北京市朝阳区建国路1号",
				"sender_postcode": "100020",
			},
		)
		doc = make_customer(
			customer_name="上海瑞丰信封测试有限公司",
			contact_person="王先生",
			province="上海市",
			address="浦东新区世纪大道100号",
			postcode="200120",
		)
		html = frappe.get_print("Customer Account", doc.name, print_format="Customer Envelope")
		self.assertEqual(html.count('class="postcode-box"'), 6)
		for digit_box in ('<span class="postcode-box">2</span>', '<span class="postcode-box">1</span>'):
			self.assertIn(digit_box, html)
		for text in (
			"上海市浦东新区世纪大道100号",
			"上海瑞丰信封测试有限公司",
			"王先生",
			"华联销售部",
			"100020",
		):
			self.assertIn(text, html)
