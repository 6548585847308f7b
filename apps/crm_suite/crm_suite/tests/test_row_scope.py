"""Issue 12 item 3 (SPEC ORG-03, ORG-05): a doctype's list condition and its per-document check are one
definition (permissions/rows.py), so a row hidden from the list is not readable by name, and vice versa."""

import frappe

from crm_suite.tests.utils import CRMTestCase, listed_and_readable, make_customer, make_sales_team


class TestRowScopeSingleSource(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()

	def test_ownership_log_of_another_owners_customer_is_not_readable_by_name(self):
		customer = make_customer(salesperson=self.team["sales_b"]).name
		log = frappe.get_all("Customer Ownership Log", filters={"customer": customer}, pluck="name")[0]
		self.assertEqual(
			listed_and_readable("Customer Ownership Log", log, self.team["sales_a"]), (False, False)
		)
		self.assertEqual(
			listed_and_readable("Customer Ownership Log", log, self.team["sales_b"]), (True, True)
		)
		self.assertEqual(
			listed_and_readable("Customer Ownership Log", log, self.team["manager"]), (True, True)
		)

	def test_lead_its_maker_no_longer_owns_is_hidden_by_name_as_in_the_list(self):
		frappe.set_user(self.team["sales_a"])
		lead = frappe.get_doc(
			{
				"doctype": "Sales Lead",
				"lead_name": "线索",
				"company_name": f"线索{frappe.generate_hash(length=6)}科技有限公司",
				"contact_name": "王先生",
				"mobile_no": "13912345678",
				"salesperson": self.team["sales_a"],
			}
		).insert()
		frappe.set_user("Administrator")
		frappe.db.set_value("Sales Lead", lead.name, "salesperson", self.team["outsider"])
		self.assertEqual(listed_and_readable("Sales Lead", lead.name, self.team["sales_a"]), (False, False))

	def test_a_save_cannot_move_a_customer_out_of_the_savers_scope(self):
		customer = make_customer(salesperson=self.team["sales_a"])
		frappe.set_user(self.team["sales_a"])
		doc = frappe.get_doc("Customer Account", customer.name)
		self.assertTrue(doc.has_permission("write"))
		doc.salesperson = self.team["outsider"]
		self.assertFalse(doc.has_permission("write"))

	def test_pool_customer_is_readable_but_not_writable(self):
		customer = make_customer(customer_pool="Public Sea").name
		frappe.set_user(self.team["sales_a"])
		self.assertTrue(frappe.has_permission("Customer Account", "read", doc=customer))
		self.assertFalse(frappe.has_permission("Customer Account", "write", doc=customer))
