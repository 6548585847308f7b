"""The install path itself (foundation): roles, seeded masters, settings, demo data."""

import frappe

from crm_suite.demo.load import load_customers, make_demo_org
from crm_suite.install import CATEGORIES, DEFAULT_POOL, ROLES, seed_defaults
from crm_suite.tests.utils import CRMTestCase


class TestInstall(CRMTestCase):
	def test_roles_are_shipped_and_device_role_has_no_desk(self):
		for role in ROLES:
			self.assertTrue(frappe.db.exists("Role", role), role)
		self.assertEqual(frappe.db.get_value("Role", "Caller ID Device", "desk_access"), 0)
		self.assertEqual(frappe.db.get_value("Role", "CRM Salesperson", "desk_access"), 1)

	def test_masters_and_default_pool_are_seeded(self):
		self.assertEqual(
			sorted(frappe.get_all("Customer Category", pluck="name")), sorted(c[0] for c in CATEGORIES)
		)
		self.assertEqual(frappe.db.get_value("Customer Category", "Blacklist", "is_blacklist"), 1)
		self.assertTrue(frappe.db.get_value("Customer Pool", DEFAULT_POOL, "is_default"))
		self.assertEqual(frappe.db.get_value("Customer Region", "深圳", "area_code"), "0755")
		self.assertEqual(frappe.db.get_value("Customer Region", "深圳", "parent_customer_region"), "广东省")

	def test_seeding_is_idempotent(self):
		before = frappe.db.count("Customer Region")
		seed_defaults()
		seed_defaults()
		self.assertEqual(frappe.db.count("Customer Region"), before)
		self.assertEqual(frappe.db.count("Customer Category"), len(CATEGORIES))

	def test_settings_defaults(self):
		settings = frappe.get_single("CRM Suite Settings")
		self.assertEqual(settings.default_phone_region, "CN")
		self.assertEqual(settings.mask_phone_numbers, 1)

	def test_demo_logins_are_enabled_and_take_the_demo_password(self):
		from frappe.utils.password import check_password

		from crm_suite.demo.load import DEMO_PASSWORD

		org = make_demo_org()
		for user in (org["admin"], org["manager"], *org["salespeople"]):
			self.assertEqual(frappe.db.get_value("User", user, "enabled"), 1, user)
			self.assertEqual(check_password(user, DEMO_PASSWORD), user)

	def test_demo_loader_writes_customers_phones_and_logs(self):
		org = make_demo_org()
		result = load_customers(50, seed=7, start=900000, salespeople=org["salespeople"], commit=False)
		self.assertEqual(result["inserted"], 50)
		names = [f"CUS-2026-{i:07d}" for i in range(900001, 900051)]
		rows = frappe.get_all(
			"Customer Account",
			filters={"name": ("in", names)},
			fields=["name", "customer_name", "salesperson"],
		)
		self.assertEqual(len(rows), 50)
		sample = rows[0]
		self.assertTrue(sample.customer_name.endswith("公司"))
		self.assertEqual(
			frappe.db.count("Phone Number Index", {"customer": sample.name}), 2, "mobile + landline indexed"
		)
		self.assertEqual(
			frappe.db.count("Customer Ownership Log", {"customer": sample.name, "action": "Import"}), 1
		)
		owners = {r.salesperson for r in rows}
		self.assertEqual(
			owners - {None}, set(org["salespeople"]), "demo customers are spread over the salespeople"
		)
		self.assertIn(None, owners, "and some are in the pool")
		# the naming series continues after the bulk rows
		new = frappe.get_doc(
			{"doctype": "Customer Account", "customer_name": "序列测试有限公司", "website": "https://x.cn"}
		).insert()
		self.assertNotIn(new.name, names)

	def test_demo_manager_sees_both_teams(self):
		from crm_suite.permissions.scope import visible_users

		org = make_demo_org()
		self.assertEqual(frappe.db.get_value("Sales Staff", org["manager"], "manages_subordinates"), 1)
		self.assertTrue(set(org["salespeople"]) <= set(visible_users(org["manager"])))


class TestSetupWizard(CRMTestCase):
	"""The setup wizard's answers reach the suite (issue 11): the company name is the suite's company."""

	def test_the_wizard_company_becomes_the_suite_company_and_prints_on_envelopes(self):
		from crm_suite.install import setup_wizard_complete

		setup_wizard_complete(frappe._dict(company_name="测试科技有限公司"))
		self.assertEqual(frappe.db.get_single_value("CRM Suite Settings", "company_name"), "测试科技有限公司")
		envelope = frappe.get_doc("Print Format", "Customer Envelope").html
		self.assertIn('"company_name"', envelope)

	def test_a_site_already_set_up_is_left_as_it_is(self):
		from crm_suite.demo.load import complete_setup_wizard

		frappe.db.set_single_value("System Settings", "setup_complete", 1)
		language = frappe.db.get_single_value("System Settings", "language")
		self.assertFalse(complete_setup_wizard())
		self.assertEqual(frappe.db.get_single_value("System Settings", "language"), language)


MASTERS = (
	"Customer Category",
	"Customer Kind",
	"Customer Source",
	"Customer Industry",
	"Customer Pool",
	"Pool Strategy",
	"Follow Up Method",
	"Deal Loss Reason",
	"Sales Department",
)


class TestMastersInTheUsersLanguage(CRMTestCase):
	"""Issue 19: seeded master data (categories, kinds, sources, industries, pools, methods …) shows in the user's
	language — Frappe translates the link values of a `translated_doctype` in lists, forms and link search."""

	def test_masters_are_translated_doctypes(self):
		from frappe.translate import get_translated_doctypes

		self.assertEqual(sorted(set(MASTERS) - set(get_translated_doctypes())), [])

	def test_a_chinese_user_finds_a_category_by_its_chinese_name(self):
		from frappe.desk.search import search_link

		previous = frappe.local.lang
		frappe.local.lang = "zh"
		frappe.local.lang_full_dict = None
		try:
			found = search_link("Customer Category", "潜在")
			values = [row["value"] for row in found]
			self.assertIn("Potential", values)
			self.assertEqual(frappe._("Potential"), "潜在客户")
		finally:
			frappe.local.lang = previous
			frappe.local.lang_full_dict = None

	def test_crm_admins_may_customise_the_suite(self):
		for doctype in ("Custom Field", "Property Setter", "Customize Form", "Notification"):
			self.assertTrue(
				frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": "CRM Admin", "write": 1}),
				doctype,
			)
		self.assertTrue(
			frappe.db.exists("Custom DocPerm", {"parent": "DocType", "role": "CRM Admin", "read": 1})
		)
		self.assertFalse(
			frappe.db.exists("Custom DocPerm", {"parent": "DocType", "role": "CRM Admin", "write": 1})
		)


class TestFirstRunSetup(CRMTestCase):
	"""Issue 19: Frappe's Module Onboarding *CRM Setup* on the CRM Setup workspace, steps marked done from the
	data however it was entered."""

	def test_the_onboarding_is_on_the_setup_workspace_with_its_steps(self):
		from crm_suite.services.onboarding import CHECKS, ONBOARDING

		steps = [row.step for row in frappe.get_doc("Module Onboarding", ONBOARDING).steps]
		self.assertEqual(steps, list(CHECKS))
		for step in steps:
			self.assertTrue(frappe.db.get_value("Onboarding Step", step, "reference_document"), step)
		content = frappe.db.get_value("Workspace", "CRM Setup", "content")
		self.assertIn('"onboarding_name": "CRM Setup"', content)

	def test_a_step_is_done_when_its_data_exists(self):
		from crm_suite.services.onboarding import sync_steps
		from crm_suite.services.sales.processes import DEFAULT_PROCESS, ensure_sales_defaults

		frappe.db.set_value("Onboarding Step", "CRM Sales Process", "is_complete", 0)
		ensure_sales_defaults()
		if frappe.db.count("Sales Process") == 1:
			table = frappe.qb.DocType("Sales Process")
			frappe.qb.update(table).set(table.modified, table.creation).run()  # as seeded, untouched
			self.assertNotIn("CRM Sales Process", sync_steps())
			self.assertEqual(frappe.db.get_value("Onboarding Step", "CRM Sales Process", "is_complete"), 0)
		# the team edits the seeded process: the save marks the step done
		process = frappe.get_doc("Sales Process", DEFAULT_PROCESS)
		process.description = "我们的流程"
		process.save(ignore_permissions=True)
		self.assertEqual(frappe.db.get_value("Onboarding Step", "CRM Sales Process", "is_complete"), 1)
