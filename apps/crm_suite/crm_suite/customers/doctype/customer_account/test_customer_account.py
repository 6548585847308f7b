"""Customer records: search keys, entry strategy, phone index, audit (SPEC CUS-01/02/04, ORG-05)."""

import frappe

from crm_suite.customers.doctype.customer_account.customer_account import DuplicateCustomerName
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team


class TestCustomerAccount(CRMTestCase):
	def set_policy(self, policy: str):
		frappe.db.set_single_value("CRM Suite Settings", "duplicate_name_policy", policy)

	def test_naming_series_gives_customer_codes(self):
		doc = make_customer()
		self.assertRegex(doc.name, r"^CUS-\d{4}-\d{5,}$")

	def test_normalised_name_and_pinyin_are_stored(self):
		doc = make_customer(customer_name="北京华联（集团）有限公司")
		self.assertEqual(doc.name_key, "北京华联")
		self.assertIn("bjhl", doc.name_pinyin)
		self.assertIn("beijinghualian", doc.name_pinyin)

	def test_duplicate_name_ban_rejects_suffix_and_width_variants(self):
		self.set_policy("Ban")
		make_customer(customer_name="上海瑞丰科技有限公司")
		with self.assertRaises(DuplicateCustomerName):
			make_customer(customer_name="上海瑞丰科技 股份有限公司")
		with self.assertRaises(DuplicateCustomerName):
			make_customer(customer_name="上海瑞丰科技（集团）")

	def test_duplicate_name_warn_saves_and_off_is_silent(self):
		self.set_policy("Warn")
		make_customer(customer_name="杭州恒通贸易有限公司")
		second = make_customer(customer_name="杭州恒通贸易有限责任公司")
		self.assertTrue(frappe.db.exists("Customer Account", second.name))
		self.set_policy("Off")
		third = make_customer(customer_name="杭州恒通贸易")
		self.assertTrue(frappe.db.exists("Customer Account", third.name))

	def test_required_fields_follow_settings(self):
		with self.assertRaises(frappe.MandatoryError):
			make_customer(website=None)
		frappe.db.set_single_value("CRM Suite Settings", "required_customer_fields", "customer_name")
		self.assertTrue(make_customer(website=None).name)

	def test_phone_index_follows_every_write(self):
		doc = make_customer(mobile_no="138 1234 5678", phone="010-88886666转123")
		rows = frappe.get_all(
			"Phone Number Index",
			filters={"reference_name": doc.name},
			fields=["phone_key", "extension", "number_type"],
			order_by="phone_key",
		)
		self.assertEqual(
			[(r.phone_key, r.extension) for r in rows], [("+861088886666", "123"), ("+8613812345678", "")]
		)
		doc.mobile_no = "13900001111"
		doc.phone = ""
		doc.save()
		keys = frappe.get_all("Phone Number Index", filters={"reference_name": doc.name}, pluck="phone_key")
		self.assertEqual(keys, ["+8613900001111"])
		doc.delete()
		self.assertFalse(frappe.db.exists("Phone Number Index", {"reference_name": doc.name}))
		actions = frappe.get_all("Customer Ownership Log", filters={"customer": doc.name}, pluck="action")
		self.assertEqual(sorted(actions), ["Create", "Delete"], "deletion is audited and the log survives")

	def test_creation_is_audited_and_salesperson_owns_own_entry(self):
		team = make_sales_team()
		frappe.set_user(team["sales_a"])
		doc = frappe.get_doc(
			{
				"doctype": "Customer Account",
				"customer_name": "深圳星河电子有限公司",
				"website": "https://x.cn",
			}
		).insert()
		frappe.set_user("Administrator")
		self.assertEqual(doc.salesperson, team["sales_a"])
		self.assertEqual(doc.sales_department, "测试一组")
		self.assertEqual(doc.lifecycle_state, "Following")
		log = frappe.get_all(
			"Customer Ownership Log",
			filters={"customer": doc.name},
			fields=["action", "to_salesperson", "done_by"],
		)
		self.assertEqual(len(log), 1)
		self.assertEqual(
			(log[0].action, log[0].to_salesperson, log[0].done_by),
			("Create", team["sales_a"], team["sales_a"]),
		)

	def test_customer_without_owner_enters_the_pool(self):
		doc = make_customer(customer_pool="Public Sea")
		self.assertEqual(doc.lifecycle_state, "Pool")
		self.assertIsNone(doc.salesperson)
