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


class TestPhoneMasking(CRMTestCase):
	"""SPEC ORG-06 / ORG-02: full numbers only for roles with level-1 read, on every read path."""

	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		self.doc = make_customer(
			salesperson=self.team["sales_a"], mobile_no="13812345678", phone="010-88886666"
		)

	def read_as(self, user):
		frappe.set_user(user)
		try:
			listed = frappe.get_list(
				"Customer Account",
				filters={"name": self.doc.name},
				fields=["name", "mobile_no", "mobile_no_masked", "phone"],
			)[0]
			form = frappe.get_doc("Customer Account", self.doc.name)
			form.apply_fieldlevel_read_permissions()
			return listed, form
		finally:
			frappe.set_user("Administrator")

	def test_salesperson_sees_masked_numbers_on_list_and_form(self):
		listed, form = self.read_as(self.team["sales_a"])
		self.assertNotIn("mobile_no", listed)
		self.assertNotIn("phone", listed)
		self.assertEqual(listed["mobile_no_masked"], "138****5678")
		self.assertIsNone(form.get("mobile_no"))
		self.assertEqual(form.phone_masked, "010-****6666")

	def test_adjacent_full_number_fields_are_all_withheld(self):
		"""Frappe 15 skipped the field after a removed one (fixed by crm_suite.permissions.fieldlevel)."""
		frappe.set_user(self.team["sales_a"])
		try:
			for fields in (
				["name", "mobile_no", "phone", "fax"],
				["name", "phone", "mobile_no", "customer_name"],
			):
				rows = frappe.get_list("Customer Account", filters={"name": self.doc.name}, fields=fields)
				self.assertEqual(len(rows), 1)
				self.assertFalse({"mobile_no", "phone", "fax"} & set(rows[0]), fields)
			as_list = frappe.get_list(
				"Customer Account",
				filters={"name": self.doc.name},
				fields=["mobile_no", "phone"],
				as_list=True,
			)
			self.assertNotIn("13812345678", frappe.as_json(as_list))
			self.assertNotIn("88886666", frappe.as_json(as_list))
		finally:
			frappe.set_user("Administrator")

	def test_manager_sees_full_numbers(self):
		listed, form = self.read_as(self.team["manager"])
		self.assertEqual(listed["mobile_no"], "13812345678")
		self.assertEqual(form.phone, "010-88886666")

	def test_salesperson_changes_a_number_by_typing_a_whole_new_one(self):
		frappe.set_user(self.team["sales_a"])
		doc = frappe.get_doc("Customer Account", self.doc.name)
		doc.customer_value = 1000
		doc.save()  # untouched masked copy keeps the stored number
		self.assertEqual(frappe.db.get_value("Customer Account", doc.name, "mobile_no"), "13812345678")
		doc.mobile_no_masked = "13900001111"
		doc.save()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Customer Account", doc.name, "mobile_no"), "13900001111")
		self.assertEqual(frappe.db.get_value("Customer Account", doc.name, "mobile_no_masked"), "139****1111")
		keys = frappe.get_all("Phone Number Index", filters={"reference_name": doc.name}, pluck="phone_key")
		self.assertIn("+8613900001111", keys)

	def test_partial_edit_of_a_masked_number_is_refused(self):
		from crm_suite.services.masking import PartialPhoneEdit

		frappe.set_user(self.team["sales_a"])
		doc = frappe.get_doc("Customer Account", self.doc.name)
		doc.mobile_no_masked = "138****5679"
		self.assertRaises(PartialPhoneEdit, doc.save)

	def test_direct_write_of_the_full_field_by_a_salesperson_is_ignored(self):
		frappe.set_user(self.team["sales_a"])
		doc = frappe.get_doc("Customer Account", self.doc.name)
		doc.mobile_no = "13700000000"
		doc.save()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Customer Account", doc.name, "mobile_no"), "13812345678")

	def test_masking_off_shows_whole_numbers_in_the_copies(self):
		frappe.db.set_single_value("CRM Suite Settings", "mask_phone_numbers", 0)
		doc = make_customer(salesperson=self.team["sales_a"], mobile_no="13512345678")
		self.assertEqual(doc.mobile_no_masked, "13512345678")

	def test_mask_rows_for_code_that_ignores_permissions(self):
		from crm_suite.services.masking import mask_rows

		rows = [{"mobile_no": "13812345678", "customer_name": "x"}]
		self.assertEqual(
			mask_rows("Customer Account", rows, self.team["sales_b"])[0]["mobile_no"], "138****5678"
		)
		rows = [{"mobile_no": "13812345678"}]
		self.assertEqual(
			mask_rows("Customer Account", rows, self.team["manager"])[0]["mobile_no"], "13812345678"
		)


class TestDuplicateBanIndex(CRMTestCase):
	"""SPEC CUS-04 / POOL-10: the ban is enforced by a unique index, not by check-then-insert."""

	def test_the_unique_index_exists_in_this_sites_database(self):
		found = frappe.db.sql(
			"""select non_unique from information_schema.statistics where table_schema = database()
			and table_name = 'tabCustomer Account' and column_name = 'name_key_unique'"""
		)
		self.assertEqual(found, ((0,),))

	def test_switching_to_ban_fills_the_unique_keys_and_the_index_refuses_a_racing_insert(self):
		make_customer(customer_name="广州博远软件有限公司")
		settings = frappe.get_single("CRM Suite Settings")
		settings.duplicate_name_policy = "Ban"
		settings.save()
		self.assertEqual(
			frappe.db.get_value("Customer Account", {"name_key": "广州博远软件"}, "name_key_unique"),
			"广州博远软件",
		)
		racer = frappe.get_doc(
			{
				"doctype": "Customer Account",
				"customer_name": "广州博远软件股份有限公司",
				"website": "https://x.cn",
			}
		)
		# simulate losing the race: the early check saw nothing
		racer.validate_duplicate_name = lambda: None
		with self.assertRaises(DuplicateCustomerName):
			racer.insert()

	def test_ban_is_refused_while_duplicates_exist(self):
		from crm_suite.crm_core.doctype.crm_suite_settings.crm_suite_settings import DuplicatesBlockBan

		frappe.db.set_single_value("CRM Suite Settings", "duplicate_name_policy", "Off")
		make_customer(customer_name="成都中科信息技术有限公司")
		make_customer(customer_name="成都中科信息技术有限责任公司")
		settings = frappe.get_single("CRM Suite Settings")
		settings.duplicate_name_policy = "Ban"
		self.assertRaises(DuplicatesBlockBan, settings.save)

	def test_leaving_ban_clears_the_unique_keys(self):
		settings = frappe.get_single("CRM Suite Settings")
		settings.duplicate_name_policy = "Ban"
		settings.save()
		doc = make_customer(customer_name="厦门海纳物流有限公司")
		self.assertTrue(frappe.db.get_value("Customer Account", doc.name, "name_key_unique"))
		settings.duplicate_name_policy = "Warn"
		settings.save()
		self.assertIsNone(frappe.db.get_value("Customer Account", doc.name, "name_key_unique"))


class TestEntryRulesAndCustomFields(CRMTestCase):
	def test_department_required_fields_override_the_global_list(self):
		team = make_sales_team()
		frappe.db.set_value(
			"Sales Department", "测试销售部", "required_customer_fields", "customer_name\nindustry"
		)
		with self.assertRaises(frappe.MandatoryError):
			make_customer(salesperson=team["sales_a"])  # 测试一组 inherits from 测试销售部
		self.assertTrue(make_customer(salesperson=team["sales_a"], industry="Finance").name)
		# other departments keep the global rule (website required)
		self.assertTrue(make_customer(salesperson=team["outsider"]).name)
		with self.assertRaises(frappe.MandatoryError):
			make_customer(salesperson=team["outsider"], website=None)

	def test_admin_custom_field_shows_in_form_list_and_rest_paths(self):
		from frappe.custom.doctype.custom_field.custom_field import create_custom_field

		# adding a column is DDL, which commits: remove the field again whatever happens
		self.addCleanup(
			lambda: (
				frappe.delete_doc_if_exists("Custom Field", "Customer Account-wechat_group"),
				frappe.db.commit(),
			)
		)
		create_custom_field(
			"Customer Account",
			{
				"fieldname": "wechat_group",
				"label": "WeChat Group",
				"fieldtype": "Data",
				"insert_after": "email",
			},
		)
		doc = make_customer(wechat_group="华东客户群")
		self.assertEqual(frappe.get_doc("Customer Account", doc.name).wechat_group, "华东客户群")
		listed = frappe.get_list("Customer Account", filters={"name": doc.name}, fields=["wechat_group"])
		self.assertEqual(listed[0].wechat_group, "华东客户群")
		self.assertEqual(frappe.client.get("Customer Account", doc.name)["wechat_group"], "华东客户群")
		self.assertIn("wechat_group", [f.fieldname for f in frappe.get_meta("Customer Account").fields])


class TestDuplicatePhoneAndPositionRoles(CRMTestCase):
	def test_duplicate_phone_is_pointed_out_with_the_holders_code(self):
		first = make_customer(mobile_no="13811112222")
		second = frappe.get_doc(
			{
				"doctype": "Customer Account",
				"customer_name": "重复号码测试有限公司",
				"website": "https://x.cn",
				"mobile_no": "138 1111 2222",
			}
		).insert()
		self.assertEqual(second.flags.duplicate_phone_holders, [first.name])
		third = make_customer(mobile_no="13911112222")
		self.assertFalse(third.flags.duplicate_phone_holders)

	def test_position_roles_are_granted_to_the_holder(self):
		from crm_suite.tests.utils import make_department, make_position, make_staff, make_user

		make_department("角色测试部")
		position = frappe.get_doc("Sales Position", make_position("角色测试", "角色测试部"))
		position.append("roles", {"role": "CRM Manager"})
		position.save()
		user = make_user("role_holder", ["CRM Salesperson"])
		make_staff(user, position.name)
		self.assertIn("CRM Manager", frappe.get_roles(user))
