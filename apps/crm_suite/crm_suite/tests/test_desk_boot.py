"""What the Desk is served from caches (issue 19): the customer list's category colours come with the Desk's boot
(SPEC CUS-01) — every category and its indicator, for users who read categories; a category's change clears the
boot Frappe caches per user. Module switches (SPEC ORG-04) take effect for everyone: the cached switches are
forgotten when the settings are saved and again once the save is committed — a request of another user that ran
meanwhile reads the old switches in its own transaction and may have cached them again (seen in the browser
journey: a salesperson's Desk kept showing a module switched off)."""

import frappe

from crm_suite.customers.boot import CATEGORY, boot_session
from crm_suite.services import modules
from crm_suite.tests.utils import CRMTestCase, make_sales_team


def booted() -> dict:
	bootinfo = frappe._dict()
	boot_session(bootinfo)
	return bootinfo


class TestCustomerBoot(CRMTestCase):
	def test_the_boot_carries_every_category_with_its_colour(self):
		team = make_sales_team()
		expected = dict(frappe.get_all(CATEGORY, fields=["name", "indicator"], as_list=True))
		self.assertTrue(expected, "the seeded customer categories")
		frappe.set_user(team["sales_a"])
		try:
			self.assertEqual(booted().crm_suite_category_indicators, expected)
		finally:
			frappe.set_user("Administrator")
		frappe.set_user("Guest")
		try:
			self.assertNotIn("crm_suite_category_indicators", booted())
		finally:
			frappe.set_user("Administrator")

	def test_a_category_changed_clears_the_cached_boot(self):
		frappe.cache.hset("bootinfo", "someone@crm-suite.test", {"cached": 1})
		category = frappe.get_doc(CATEGORY, frappe.get_all(CATEGORY, pluck="name", limit=1)[0])
		category.indicator = "purple" if category.indicator != "purple" else "cyan"
		category.save()
		self.assertIsNone(frappe.cache.hget("bootinfo", "someone@crm-suite.test"))
		self.assertEqual(booted().crm_suite_category_indicators[category.name], category.indicator)


class TestModuleSwitchCache(CRMTestCase):
	def tearDown(self):
		super().tearDown()
		modules.clear_cache()

	def test_switches_cached_meanwhile_are_forgotten_after_the_commit(self):
		self.assertIn("loyalty", modules.switches_on())
		settings = frappe.get_single(modules.SETTINGS)
		settings.module_loyalty = 0
		settings.save()
		self.assertNotIn("loyalty", modules.switches_on())  # this request reads the new switches
		# another user's request, its transaction begun before the save, caches the old switches again
		frappe.cache.set_value(modules.CACHE_KEY, sorted(modules.switches_on() | {"loyalty"}))
		self.assertIn("loyalty", modules.switches_on())
		frappe.db.after_commit.run()  # what the commit runs
		self.assertNotIn("loyalty", modules.switches_on())
