"""Follow-up records (SPEC FUP-01, FUP-02), leads and their conversion (SPEC POOL-12), resource warning
(SPEC POOL-11)."""

import frappe

from crm_suite.follow_up.report.follow_up_statistics import follow_up_statistics
from crm_suite.pools.report.resource_warning import resource_warning
from crm_suite.services import holding_rollup
from crm_suite.services import lead as lead_service
from crm_suite.services.pool import claims, handovers
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team, set_counted


def follow_up(customer: str, **values):
	return frappe.get_doc(
		{
			"doctype": "Follow Up Record",
			"customer": customer,
			"method": "Phone",
			"content": "电话沟通需求",
			**values,
		}
	).insert()


class TestFollowUps(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()

	def test_saving_a_follow_up_moves_the_last_contact_forward_only(self):
		frappe.set_user(self.team["sales_a"])
		customer = make_customer().name
		record = follow_up(customer, followed_on="2026-11-10 10:00:00")
		self.assertEqual(record.salesperson, self.team["sales_a"])
		self.assertEqual(
			str(frappe.db.get_value("Customer Account", customer, "last_contact_on")), "2026-11-10 10:00:00"
		)
		follow_up(customer, followed_on="2026-11-01 10:00:00")  # an older visit logged late
		self.assertEqual(
			str(frappe.db.get_value("Customer Account", customer, "last_contact_on")), "2026-11-10 10:00:00"
		)

	def test_template_prefills_what_is_empty(self):
		frappe.get_doc(
			{
				"doctype": "Follow Up Template",
				"template_name": "首次拜访",
				"method": "Visit",
				"content": "介绍公司产品",
				"next_step": "发送报价",
				"next_contact_days": 3,
			}
		).insert(ignore_permissions=True)
		frappe.set_user(self.team["sales_a"])
		customer = make_customer().name
		record = frappe.get_doc(
			{
				"doctype": "Follow Up Record",
				"customer": customer,
				"template": "首次拜访",
				"followed_on": "2026-11-10 10:00:00",
			}
		).insert()
		self.assertEqual(
			(record.method, record.content, record.next_step), ("Visit", "介绍公司产品", "发送报价")
		)
		self.assertEqual(str(record.next_contact_on), "2026-11-13")

	def test_follow_up_needs_a_target_and_scope_applies(self):
		frappe.set_user(self.team["sales_a"])
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc({"doctype": "Follow Up Record", "method": "Phone", "content": "x"}).insert()
		customer = make_customer().name
		record = follow_up(customer)
		frappe.set_user(self.team["sales_b"])
		self.assertNotIn(record.name, frappe.get_list("Follow Up Record", pluck="name"))
		with self.assertRaises(frappe.PermissionError):
			follow_up(customer)  # not their customer
		frappe.set_user(self.team["manager"])
		self.assertIn(record.name, frappe.get_list("Follow Up Record", pluck="name"))

	def test_supervisor_comment_notifies_and_statistics_count_per_person(self):
		frappe.set_user(self.team["sales_a"])
		customer = make_customer().name
		record = follow_up(customer)
		follow_up(customer, method="Visit")
		frappe.set_user(self.team["manager"])
		frappe.get_doc("Follow Up Record", record.name).add_comment("Comment", "请尽快报价")
		self.assertTrue(
			frappe.db.exists(
				"Notification Log", {"for_user": self.team["sales_a"], "document_name": record.name}
			)
		)
		today = frappe.utils.today()
		columns, data, *_ = follow_up_statistics.execute({"from_date": today, "to_date": today})
		self.assertEqual(
			[c["fieldname"] for c in columns][:3], ["salesperson", "sales_department", "follow_ups"]
		)
		row = next(r for r in data if r.salesperson == self.team["sales_a"])
		self.assertEqual((row.follow_ups, row.visits, row.customers), (2, 1, 1))
		frappe.set_user(self.team["outsider"])
		_columns, data, *_ = follow_up_statistics.execute({"from_date": today, "to_date": today})
		self.assertNotIn(self.team["sales_a"], [r.salesperson for r in data])

	def test_resource_warning_counts_assigned_and_never_contacted(self):
		holding_rollup.rebuild(commit=lambda: None)  # as counted now, whatever other tests committed
		frappe.set_user(self.team["sales_a"])
		contacted = make_customer().name
		make_customer()
		follow_up(contacted)
		frappe.set_user("Administrator")
		imported = make_customer(salesperson=self.team["sales_a"]).name  # as an import leaves it: Pending
		set_counted("Customer Account", imported, {"lifecycle_state": "Pending"})
		frappe.set_user(self.team["manager"])
		columns, data, _message, _chart, summary = resource_warning.execute({})
		self.assertEqual(len(columns), 5)
		self.assertGreaterEqual(summary[0]["value"], 3)
		row = next(r for r in data if r.salesperson == self.team["sales_a"])
		self.assertEqual((row.assigned, row.never_contacted), (3, 2))
		frappe.set_user(self.team["outsider"])
		_columns, data, *_ = resource_warning.execute({"min_never_contacted": 1})
		self.assertNotIn(self.team["sales_a"], [r.salesperson for r in data])


class TestLeads(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()

	def make_lead(self, **values):
		return frappe.get_doc(
			{
				"doctype": "Sales Lead",
				"lead_name": "线索",
				"company_name": f"线索{frappe.generate_hash(length=6)}科技有限公司",
				"contact_name": "王先生",
				"mobile_no": "13912345678",
				"email": "wang@lead.example.cn",
				**values,
			}
		).insert(ignore_permissions=True)

	def test_lead_without_owner_enters_the_lead_pool_and_is_claimed_and_abandoned(self):
		lead = self.make_lead()
		self.assertEqual((lead.lifecycle_state, lead.customer_pool), ("Pool", "Lead Pool"))
		frappe.set_user(self.team["sales_a"])
		claims.claim([lead.name], "Sales Lead")
		self.assertEqual(frappe.db.get_value("Sales Lead", lead.name, "salesperson"), self.team["sales_a"])
		handovers.abandon([lead.name], "无效线索", "Sales Lead")
		actions = frappe.get_all(
			"Customer Ownership Log", filters={"sales_lead": lead.name}, pluck="action", order_by="creation"
		)
		self.assertEqual(actions, ["Create", "Claim", "Abandon"])

	def test_conversion_reuses_the_contact_with_the_same_phone(self):
		frappe.db.set_single_value("CRM Suite Settings", "required_customer_fields", "customer_name")
		frappe.set_user(self.team["sales_a"])
		first = self.make_lead(salesperson=self.team["sales_a"])
		result = lead_service.convert_lead(first.name)
		self.assertTrue(result["customer"] and result["contact"])
		self.assertEqual(frappe.db.get_value("Sales Lead", first.name, "lifecycle_state"), "Converted")
		self.assertEqual(lead_service.convert_lead(first.name), result, "converting twice changes nothing")
		# a second lead of another company with the same person (phone written differently)
		second = self.make_lead(salesperson=self.team["sales_a"], mobile_no="+86 139-1234-5678", email=None)
		again = lead_service.convert_lead(second.name)
		self.assertEqual(again["contact"], result["contact"])
		links = frappe.get_all(
			"Dynamic Link", filters={"parenttype": "Contact", "parent": result["contact"]}, pluck="link_name"
		)
		self.assertEqual(sorted(links), sorted([result["customer"], again["customer"]]))
		self.assertEqual(frappe.db.count("Contact", {"name": result["contact"]}), 1)

	def test_lead_fields_are_guarded_and_pool_leads_are_readable(self):
		lead = self.make_lead()
		frappe.set_user(self.team["sales_a"])
		self.assertTrue(frappe.has_permission("Sales Lead", "read", lead.name))
		doc = frappe.get_doc("Sales Lead", lead.name)
		doc.lifecycle_state = "Qualified"
		with self.assertRaises(frappe.PermissionError):
			doc.save()
