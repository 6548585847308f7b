"""Customer search (SPEC CUS-06) through link fields: pinyin, initials, short name — within scope."""

import frappe
from frappe.desk.search import search_link

from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team


class TestCustomerSearch(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		self.mine = make_customer(
			customer_name="北京华联测试商贸有限公司", salesperson=self.team["sales_a"]
		).name
		self.theirs = make_customer(
			customer_name="北京华联测试物流有限公司", salesperson=self.team["sales_b"]
		).name

	def found(self, txt: str, user: str) -> set[str]:
		frappe.set_user(user)
		try:
			return {row["value"] for row in search_link("Customer Account", txt, page_length=50)}
		finally:
			frappe.set_user("Administrator")

	def test_initials_full_pinyin_and_chinese_find_the_customer(self):
		for txt in ("bjhlcs", "beijinghualianceshi", "北京华联测试", "BJHLCS", "bjhl"):
			self.assertIn(self.mine, self.found(txt, "Administrator"), txt)

	def test_own_customers_are_found_by_what_their_name_contains(self):
		# 华联测试 sits inside 北京华联测试…: found among one's own customers, not among a colleague's
		found = self.found("华联测试", self.team["sales_a"])
		self.assertIn(self.mine, found)
		self.assertNotIn(self.theirs, found)

	def test_search_respects_row_scope(self):
		found = self.found("bjhlcs", self.team["sales_a"])
		self.assertIn(self.mine, found)
		self.assertNotIn(self.theirs, found)
		self.assertTrue({self.mine, self.theirs} <= self.found("bjhlcs", self.team["manager"]))

	def test_global_search_hides_out_of_scope_customers(self):
		from frappe.utils.global_search import sync_global_search

		from crm_suite.api.overrides import global_search

		# MariaDB's full-text index only sees committed rows: commit, then clean up.
		frappe.db.commit()
		try:
			sync_global_search()
			frappe.db.commit()
			frappe.set_user(self.team["sales_a"])
			names = {row["name"] for row in global_search("北京华联测试物流有限公司", limit=50)}
			frappe.set_user("Administrator")
			names_admin = {row["name"] for row in global_search("北京华联测试物流有限公司", limit=50)}
		finally:
			# test data only: remove every trace, audit rows included, so later tests start clean
			frappe.set_user("Administrator")
			ours = [self.mine, self.theirs]
			for doctype, field in (
				("Customer Account", "name"),
				("Customer Ownership Log", "customer"),
				("Phone Number Index", "customer"),
				("__global_search", "name"),
			):
				frappe.db.delete(doctype, {field: ("in", ours)})
			frappe.db.commit()
		self.assertIn(self.theirs, names_admin, "the index holds it: the filter, not the index, hides it")
		self.assertNotIn(self.theirs, names)

	def test_global_search_fills_the_page_past_rows_out_of_scope(self):
		"""The index returns other people's rows first: the page is still full of the user's own."""
		from frappe.utils.global_search import sync_global_search

		from crm_suite.api.overrides import global_search

		word = "pg" + frappe.generate_hash(length=8)  # one full-text token
		theirs = [
			make_customer(customer_name=f"{word} 乙{i}有限公司", salesperson=self.team["sales_b"]).name
			for i in range(12)
		]
		mine = [
			make_customer(customer_name=f"{word} 甲{i}有限公司", salesperson=self.team["sales_a"]).name
			for i in range(4)
		]
		frappe.db.commit()
		try:
			sync_global_search()
			frappe.db.commit()
			frappe.set_user(self.team["sales_a"])
			first = [row["name"] for row in global_search(word, start=0, limit=3, doctype="Customer Account")]
			second = [
				row["name"] for row in global_search(word, start=3, limit=3, doctype="Customer Account")
			]
		finally:
			frappe.set_user("Administrator")
			ours = [self.mine, self.theirs, *theirs, *mine]
			for doctype, field in (
				("Customer Account", "name"),
				("Customer Ownership Log", "customer"),
				("Phone Number Index", "customer"),
				("__global_search", "name"),
			):
				frappe.db.delete(doctype, {field: ("in", ours)})
			frappe.db.commit()
		self.assertEqual(len(first), 3, first)
		self.assertEqual(len(second), 1, second)
		self.assertEqual(set(first + second), set(mine))
