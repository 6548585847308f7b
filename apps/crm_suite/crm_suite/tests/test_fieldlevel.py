"""The field-level backport (SPEC ORG-03, ORG-06; permissions/fieldlevel.py): is it still needed on this
bench's Frappe, and does it close the hole?"""

import frappe
from frappe.model.db_query import DatabaseQuery

from crm_suite.permissions import fieldlevel
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team

FULL_NUMBER_FIELDS = ["mobile_no", "phone"]  # both above the salesperson's permission level


class TestFieldlevelBackport(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		frappe.set_user(self.team["sales_a"])
		self.customer = make_customer(mobile_no="13812345678", phone="010-62345678").name

	def _listed(self) -> dict:
		[row] = frappe.get_list(
			"Customer Account", filters={"name": self.customer}, fields=[*FULL_NUMBER_FIELDS, "name"]
		)
		return row

	def test_hooks_put_the_backport_in_place(self):
		hooks = frappe.get_hooks()
		for hook in ("before_request", "before_job"):
			self.assertIn("crm_suite.permissions.fieldlevel.apply_backport", hooks.get(hook, []), hook)
		fieldlevel.apply_backport()
		fieldlevel.apply_backport()  # idempotent: one wrapper, not two
		method = DatabaseQuery.apply_fieldlevel_read_permissions
		self.assertTrue(getattr(method, fieldlevel.MARK))
		self.assertFalse(getattr(method.__wrapped__, fieldlevel.MARK, False))

	def test_the_bench_frappe_still_needs_the_backport(self):
		"""Runs Frappe's own method alone. While it leaks the second field the backport is needed; once a
		Frappe release checks every field this test is skipped, saying the backport can go."""
		fieldlevel.apply_backport()
		patched = DatabaseQuery.apply_fieldlevel_read_permissions
		DatabaseQuery.apply_fieldlevel_read_permissions = fieldlevel.frappe_method()
		try:
			leaked = [f for f in FULL_NUMBER_FIELDS if f in self._listed()]
		finally:
			DatabaseQuery.apply_fieldlevel_read_permissions = patched
		if not leaked:
			self.skipTest(
				f"Frappe {frappe.__version__} checks every field: remove permissions/fieldlevel.py and its hooks"
			)
		self.assertEqual(leaked, ["phone"], "Frappe skips exactly the field after the one it removes")
		self.assertNotIn("phone", self._listed(), "the backport closes it")
