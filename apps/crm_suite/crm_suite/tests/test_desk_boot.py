"""What the Desk is served from caches (issue 19). The customer list's category colours come with the Desk's boot
(SPEC CUS-01): every category and its indicator, for users who read categories; a category's change clears the
boot Frappe caches per user. Module switches (SPEC ORG-04) reach everyone's Desk: saved switches are written to the
cache at once and again after the commit — a cache that is only deleted is filled again by another user's request
running meanwhile, which still reads the old switches in its transaction (the browser journey saw a salesperson's
sidebar keep a module switched off); a rolled-back save leaves nothing behind."""

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


def cached():
	"""The switches in Redis as they are (`expires`: a miss is not remembered for the rest of the request)."""
	return frappe.cache.get_value(modules.CACHE_KEY, expires=True)


class TestModuleSwitchCache(CRMTestCase):
	def tearDown(self):
		super().tearDown()
		modules.clear_cache()

	def switch_loyalty(self, on: int):
		settings = frappe.get_single(modules.SETTINGS)
		settings.module_loyalty = on
		settings.save()

	def test_saved_switches_are_written_to_the_cache_not_only_deleted(self):
		self.assertIn("loyalty", modules.switches_on())
		self.switch_loyalty(0)
		# written through: a request of another user still reading the old switches in its transaction finds the
		# cache filled and never fills it with what it reads
		self.assertNotIn("loyalty", cached())
		frappe.db.after_commit.run()  # what the commit runs
		self.assertNotIn("loyalty", cached())
		frappe.clear_cache()  # anyone's: the switches stay
		self.assertNotIn("loyalty", cached())
		self.assertNotIn("loyalty", modules.switches_on())

	def test_a_rolled_back_switch_leaves_no_trace_in_the_cache(self):
		self.switch_loyalty(0)
		frappe.db.rollback()
		self.assertIsNone(cached())
		self.assertIn("loyalty", modules.switches_on())
