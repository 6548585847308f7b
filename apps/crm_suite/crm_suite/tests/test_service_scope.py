"""The service documents' row scope kept cheap at scale (SPEC ORG-03, SVC-02, SVC-03, issue 18): complaints,
service requests, work orders and contracts follow their customer to a new salesperson, so the scope reads the
indexed `salesperson` column; an engineer's list reads only `dispatched_to`; a scope part the other part
covers is left out of reading, never out of a change's check; the patch brings older rows in line."""

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, add_to_date, get_datetime, now_datetime, today

from crm_suite.api.service import dispatch_service_request
from crm_suite.patches.v1_0 import service_documents_follow_customer
from crm_suite.permissions.service import complaint_scope, work_order_scope
from crm_suite.services.pool.distribution import assign
from crm_suite.tests.utils import CRMTestCase, listed_and_readable, make_customer, make_sales_team, make_user

FOLLOWERS = ("Customer Complaint", "Service Request", "Service Work Order", "Service Contract")


def list_condition(scope, user: str) -> str:
	criterion = scope(user)
	return criterion.get_sql(quote_char="`") if criterion is not None else ""


def listed(doctype: str, user: str) -> set[str]:
	frappe.set_user(user)
	try:
		return set(frappe.get_list(doctype, pluck="name", limit_page_length=0))
	finally:
		frappe.set_user("Administrator")


def in_scope(doctype: str, scope, user: str, ptype: str) -> set[str]:
	"""The rows of the criterion as `scope` builds it for `ptype`, read straight from the table."""
	table = frappe.qb.DocType(doctype)
	return set(frappe.qb.from_(table).select(table.name).where(scope(user, ptype=ptype)).run(pluck=True))


class TestServiceScope(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		self.engineer = make_user("engineer", ["CRM Service Engineer"])
		frappe.set_user(self.team["sales_a"])
		self.customer = make_customer(salesperson=self.team["sales_a"]).name
		self.complaint = self.make_complaint(self.customer).name
		self.request = frappe.get_doc(
			{
				"doctype": "Service Request",
				"customer": self.customer,
				"subject": "空调不制冷",
				"request_type": "Repair",
			}
		).insert()
		self.contract = (
			frappe.get_doc(
				{
					"doctype": "Service Contract",
					"customer": self.customer,
					"contract_title": "年度维保",
					"start_date": today(),
					"end_date": add_days(today(), 365),
				}
			)
			.insert()
			.name
		)

	def make_complaint(self, customer: str, **values):
		return frappe.get_doc(
			{
				"doctype": "Customer Complaint",
				"customer": customer,
				"subject": "设备噪音大",
				"severity": "一般",
				"category": "产品质量",
				**values,
			}
		).insert()

	def dispatch(self) -> str:
		frappe.set_user(self.team["manager"])
		order = dispatch_service_request(
			self.request.name, self.engineer, str(add_to_date(now_datetime(), hours=2))
		)
		frappe.set_user("Administrator")
		return order

	def test_documents_follow_their_customer_to_a_new_salesperson(self):
		order = self.dispatch()
		docs = {
			"Customer Complaint": self.complaint,
			"Service Request": self.request.name,
			"Service Work Order": order,
			"Service Contract": self.contract,
		}
		modified = {d: get_datetime(frappe.db.get_value(d, n, "modified")) for d, n in docs.items()}
		frappe.set_user(self.team["manager"])
		assign([self.customer], self.team["sales_b"])
		frappe.set_user("Administrator")
		department = frappe.db.get_value("Sales Staff", self.team["sales_b"], "sales_department")
		for doctype, name in docs.items():
			values = frappe.db.get_value(
				doctype, name, ["salesperson", "sales_department", "modified"], as_dict=True
			)
			self.assertEqual(
				(values.salesperson, values.sales_department), (self.team["sales_b"], department)
			)
			# a move is not an edit: the lists' order stays
			self.assertEqual(get_datetime(values.modified), modified[doctype])
			self.assertEqual(listed_and_readable(doctype, name, self.team["sales_b"]), (True, True), doctype)
		# the former salesperson keeps the complaint they are responsible for, and nothing else
		self.assertEqual(
			listed_and_readable("Customer Complaint", self.complaint, self.team["sales_a"]), (True, True)
		)
		for doctype in ("Service Request", "Service Work Order", "Service Contract"):
			self.assertEqual(
				listed_and_readable(doctype, docs[doctype], self.team["sales_a"]), (False, False), doctype
			)
		# the engineer keeps the order dispatched to them
		self.assertEqual(listed_and_readable("Service Work Order", order, self.engineer), (True, True))

	def test_an_engineers_list_reads_only_the_orders_dispatched_to_them(self):
		frappe.set_user(self.team["manager"])
		draft = frappe.get_doc(
			{
				"doctype": "Service Work Order",
				"service_request": self.request.name,
				"engineer": self.engineer,
				"scheduled_start": now_datetime(),
			}
		).insert()
		self.assertIsNone(draft.dispatched_to)
		order = self.dispatch()
		self.assertEqual(frappe.db.get_value("Service Work Order", order, "dispatched_to"), self.engineer)
		# one part, on (dispatched_to, modified): the engineer owns no sales rows
		condition = list_condition(work_order_scope, self.engineer)
		self.assertIn("`dispatched_to`", condition)
		self.assertNotIn("`salesperson`", condition)
		self.assertEqual(listed("Service Work Order", self.engineer), {order})
		# a change is checked against every part
		changing = work_order_scope(self.engineer, ptype="write").get_sql(quote_char="`")
		self.assertIn("`salesperson`", changing)
		frappe.set_user(self.team["manager"])
		apply_workflow(frappe.get_doc("Service Work Order", order), "Cancel")
		frappe.set_user("Administrator")
		self.assertIsNone(frappe.db.get_value("Service Work Order", order, "dispatched_to"))
		self.assertEqual(listed("Service Work Order", self.engineer), set())
		self.assertEqual(listed_and_readable("Service Work Order", order, self.engineer), (False, False))

	def test_a_covered_scope_part_is_left_out_of_reading_only(self):
		sales_a, sales_b = self.team["sales_a"], self.team["sales_b"]
		# sales_a handles their own customers' complaints: one part is enough
		condition = list_condition(complaint_scope, sales_a)
		self.assertEqual(condition.count(" IN "), 1, condition)
		self.assertEqual(listed("Customer Complaint", sales_a), {self.complaint})
		# a colleague's complaint handed to sales_a: their complaints as salesperson are among those they
		# handle, so the responsible person's part alone reads them all
		frappe.set_user(sales_b)
		theirs = make_customer(salesperson=sales_b).name
		handed = self.make_complaint(theirs, responsible_person=sales_a).name
		frappe.set_user("Administrator")
		condition = list_condition(complaint_scope, sales_a)
		self.assertEqual(condition, f"`responsible_person` IN ('{sales_a}')")
		self.assertEqual(listed("Customer Complaint", sales_a), {self.complaint, handed})
		# one of sales_a's own handed to sales_b: now each part has rows the other has not
		frappe.set_user(sales_a)
		handed_away = self.make_complaint(self.customer, responsible_person=sales_b).name
		frappe.set_user("Administrator")
		condition = list_condition(complaint_scope, sales_a)
		self.assertIn("`salesperson`", condition)
		self.assertIn("`responsible_person`", condition)
		for user in (sales_a, sales_b, self.team["manager"], self.team["outsider"]):
			# the list is exactly the full criterion's rows
			full = in_scope("Customer Complaint", complaint_scope, user, "write")
			self.assertEqual(listed("Customer Complaint", user), full, user)
		self.assertEqual(listed("Customer Complaint", sales_a), {self.complaint, handed, handed_away})
		self.assertEqual(listed("Customer Complaint", sales_b), {handed, handed_away})
		self.assertEqual(listed("Customer Complaint", self.team["outsider"]), set())

	def test_the_patch_brings_older_rows_to_their_customers_salesperson(self):
		order = self.dispatch()
		# rows as an older version left them: the salesperson of the day they were made, no dispatched_to
		for doctype in FOLLOWERS:
			frappe.db.sql(
				f"update `tab{doctype}` set salesperson = %s where customer = %s",
				(self.team["outsider"], self.customer),
			)
		frappe.db.set_value("Service Work Order", order, "dispatched_to", None, update_modified=False)
		service_documents_follow_customer.execute()
		for doctype in FOLLOWERS:
			self.assertEqual(
				set(frappe.get_all(doctype, filters={"customer": self.customer}, pluck="salesperson")),
				{self.team["sales_a"]},
				doctype,
			)
		self.assertEqual(frappe.db.get_value("Service Work Order", order, "dispatched_to"), self.engineer)
		self.assertEqual(listed_and_readable("Service Work Order", order, self.engineer), (True, True))
