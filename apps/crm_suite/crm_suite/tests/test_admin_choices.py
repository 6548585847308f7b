"""Migrations respect admins (security review item 11, SPEC ORG-01): demo logins only on sites the demo
loader marked, and what an admin changed after install (global search, Contact permissions) survives
every migrate. Internal (migrate hooks and patches): tested on the Frappe layer."""

import frappe

from crm_suite.demo.load import DEMO_DOMAIN, DEMO_SITE_FLAG, is_demo_site, make_demo_org
from crm_suite.install import after_migrate
from crm_suite.tests.utils import CRMTestCase


class TestMigrationsRespectAdmins(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.flag = frappe.local.conf.get(DEMO_SITE_FLAG)

	def tearDown(self):
		frappe.local.conf[DEMO_SITE_FLAG] = self.flag
		super().tearDown()

	def _disabled_demo_login(self) -> str:
		email = f"sec-demo-{frappe.generate_hash(length=6)}@{DEMO_DOMAIN}"
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": "Demo", "send_welcome_email": 0, "enabled": 0}
		).insert(ignore_permissions=True)
		return email

	def test_enable_demo_users_patch_leaves_a_real_site_alone(self):
		from crm_suite.patches.v1_0 import enable_demo_users

		email = self._disabled_demo_login()
		frappe.local.conf[DEMO_SITE_FLAG] = 0
		enable_demo_users.execute()
		self.assertEqual(frappe.db.get_value("User", email, "enabled"), 0)

		frappe.local.conf[DEMO_SITE_FLAG] = 1  # a site the demo loader made
		enable_demo_users.execute()
		self.assertEqual(frappe.db.get_value("User", email, "enabled"), 1)

	def test_demo_loader_marks_the_site(self):
		frappe.local.conf[DEMO_SITE_FLAG] = 0
		make_demo_org()
		self.assertTrue(is_demo_site())

	def test_migrate_keeps_global_search_settings_the_admin_changed(self):
		after_migrate()  # seeded once (install or the first migrate)
		settings = frappe.get_single("Global Search Settings")
		self.assertIn("Customer Account", [r.document_type for r in settings.allowed_in_global_search])
		settings.allowed_in_global_search = [
			r for r in settings.allowed_in_global_search if r.document_type != "Customer Account"
		]
		settings.append("allowed_in_global_search", {"document_type": "ToDo"})
		settings.save(ignore_permissions=True)

		after_migrate()
		allowed = [
			r.document_type for r in frappe.get_single("Global Search Settings").allowed_in_global_search
		]
		self.assertNotIn("Customer Account", allowed)
		self.assertIn("ToDo", allowed)

	def test_migrate_keeps_contact_permissions_the_admin_changed(self):
		from frappe.permissions import update_permission_property

		after_migrate()
		update_permission_property("Contact", "CRM Salesperson", 0, "export", 0, validate=False)
		after_migrate()
		export = frappe.db.get_value(
			"Custom DocPerm", {"parent": "Contact", "role": "CRM Salesperson", "permlevel": 0}, "export"
		)
		self.assertEqual(export, 0)
