"""Contacts of customers on core Contact (SPEC CUS-08): one primary, reports-to within the customer,
phone index kept in sync, row scope (ORG-03)."""

import frappe

from crm_suite.customers.contact import ReportsToOutsideCustomer
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team


def make_contact(customer: str, first_name: str, **values):
	doc = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first_name,
			"links": [{"link_doctype": "Customer Account", "link_name": customer}],
			**values,
		}
	)
	return doc.insert(ignore_permissions=True)


class TestCustomerContacts(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		self.customer_a = make_customer(salesperson=self.team["sales_a"]).name
		self.customer_b = make_customer(salesperson=self.team["sales_b"]).name

	def test_custom_fields_exist(self):
		meta = frappe.get_meta("Contact")
		for fieldname in ("crm_reports_to", "crm_birthday", "crm_interests", "crm_family", "crm_background"):
			self.assertTrue(meta.has_field(fieldname), fieldname)

	def test_one_primary_contact_per_customer(self):
		first = make_contact(self.customer_a, "张三", is_primary_contact=1)
		second = make_contact(self.customer_a, "李四", is_primary_contact=1)
		other = make_contact(self.customer_b, "王五", is_primary_contact=1)
		self.assertEqual(frappe.db.get_value("Contact", first.name, "is_primary_contact"), 0)
		self.assertEqual(frappe.db.get_value("Contact", second.name, "is_primary_contact"), 1)
		self.assertEqual(frappe.db.get_value("Contact", other.name, "is_primary_contact"), 1)

	def test_reports_to_must_be_a_contact_of_the_same_customer(self):
		boss = make_contact(self.customer_a, "赵总")
		make_contact(self.customer_a, "钱经理", crm_reports_to=boss.name)
		stranger = make_contact(self.customer_b, "孙总")
		with self.assertRaises(ReportsToOutsideCustomer):
			make_contact(self.customer_a, "周员工", crm_reports_to=stranger.name)

	def test_contact_numbers_enter_the_phone_index_with_their_customer(self):
		contact = make_contact(
			self.customer_a,
			"吴采购",
			phone_nos=[{"phone": "0755-23456789-8", "is_primary_phone": 1}, {"phone": "13600001234"}],
		)
		rows = frappe.get_all(
			"Phone Number Index",
			filters={"reference_doctype": "Contact", "reference_name": contact.name},
			fields=["phone_key", "customer", "extension"],
			order_by="phone_key",
		)
		self.assertEqual([r.phone_key for r in rows], ["+8613600001234", "+8675523456789"])
		self.assertEqual({r.customer for r in rows}, {self.customer_a})
		contact.delete()
		self.assertFalse(frappe.db.exists("Phone Number Index", {"reference_name": contact.name}))

	def test_contacts_follow_customer_scope(self):
		mine = make_contact(self.customer_a, "郑甲").name
		theirs = make_contact(self.customer_b, "冯乙").name
		frappe.set_user(self.team["sales_a"])
		try:
			listed = set(frappe.get_list("Contact", pluck="name", limit_page_length=0))
			self.assertIn(mine, listed)
			self.assertNotIn(theirs, listed)
			self.assertFalse(frappe.has_permission("Contact", "read", theirs))
			self.assertTrue(frappe.has_permission("Contact", "read", mine))
		finally:
			frappe.set_user("Administrator")
		frappe.set_user(self.team["manager"])
		try:
			self.assertTrue(
				{mine, theirs} <= set(frappe.get_list("Contact", pluck="name", limit_page_length=0))
			)
		finally:
			frappe.set_user("Administrator")

	def test_customer_form_lists_its_contacts(self):
		make_contact(self.customer_a, "陈联系")
		doc = frappe.get_doc("Customer Account", self.customer_a)
		doc.run_method("onload")
		names = [c.get("first_name") for c in doc.get_onload().get("contact_list")]
		self.assertEqual(names, ["陈联系"])
