"""Campaigns (SPEC MKT-01, CUS-09), inquiries (SVC-01) and the knowledge base (SVC-04) on a real site:
results counted from real linked documents, goals and budget, tasks as assignments, the one-action and
idempotent conversion of an inquiry, the caller's number from the call log (masked, ORG-06), row scope per
role (ORG-03), pinyin search and the Excel import of articles."""

import io

import frappe
from frappe.desk.form.assign_to import add as assign
from frappe.utils import add_days, now_datetime, today

from crm_suite.api.marketing import campaign_results
from crm_suite.customers.doctype.customer_account.customer_account_dashboard import get_data as connections
from crm_suite.marketing.doctype.marketing_customer_group.marketing_customer_group import DuplicateGroupMember
from crm_suite.marketing.report.campaign_results import campaign_results as report
from crm_suite.services import service_desk
from crm_suite.services.marketing import (
	CampaignDatesInvalid,
	CampaignOwnerRefused,
	DuplicateGoal,
	campaign_summary,
)
from crm_suite.services.service_desk import InquiryClosed, InquiryWithoutCaller, InquiryWithoutCustomer
from crm_suite.tests.test_sales_expense import make_expense
from crm_suite.tests.test_sales_orders import make_product, selling_doc
from crm_suite.tests.utils import CRMTestCase, listed_and_readable, make_customer, make_sales_team


def make_campaign(**values):
	values.setdefault("campaign_name", f"春季展会{frappe.generate_hash(length=6)}")
	values.setdefault("channel", "Exhibition")
	values.setdefault("start_date", today())
	values.setdefault("end_date", add_days(today(), 30))
	return frappe.get_doc({"doctype": "Sales Campaign", **values}).insert()


def make_group(customers: list[str], **values):
	values.setdefault("group_name", f"重点客户{frappe.generate_hash(length=6)}")
	return frappe.get_doc(
		{"doctype": "Marketing Customer Group", "members": [{"customer": c} for c in customers], **values}
	).insert(ignore_permissions=True)


def make_inquiry(**values):
	values.setdefault("subject", "询问产品价格")
	values.setdefault("question", "<p>请问这款设备的报价是多少？</p>")
	return frappe.get_doc({"doctype": "Service Inquiry", **values}).insert()


class TestCampaign(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		frappe.set_user(self.team["sales_a"])

	def test_results_are_counted_live_from_the_documents_carrying_the_campaign(self):
		frappe.set_user("Administrator")
		members = [make_customer(salesperson=self.team["sales_a"]).name for _ in range(3)]
		group = make_group(members)
		frappe.set_user(self.team["sales_a"])
		campaign = make_campaign(
			budget=1000,
			goals=[
				{"metric": "Customers", "target_value": 2},
				{"metric": "Order Amount", "target_value": 100000},
			],
			target_groups=[{"customer_group": group.name}],
		)
		other = make_campaign()
		frappe.set_user("Administrator")
		first = make_customer(salesperson=self.team["sales_a"], campaign=campaign.name).name
		deal = make_customer(salesperson=self.team["sales_b"], campaign=campaign.name).name
		frappe.db.set_value("Customer Account", deal, "lifecycle_state", "Deal")
		make_customer(salesperson=self.team["sales_a"], campaign=other.name)
		frappe.set_user(self.team["sales_a"])
		frappe.get_doc({"doctype": "Sales Lead", "lead_name": "展会线索", "campaign": campaign.name}).insert(
			ignore_permissions=True
		)
		# the opportunity takes the campaign from its customer, the order from its opportunity
		opportunity = frappe.get_doc(
			{"doctype": "Sales Opportunity", "opportunity_title": "展会商机", "customer": first}
		).insert()
		self.assertEqual(opportunity.campaign, campaign.name)
		frappe.db.set_value("Sales Opportunity", opportunity.name, {"status": "Won", "expected_amount": 5000})
		frappe.set_user("Administrator")
		product = make_product(is_stocked=0, list_price=1000)
		frappe.set_user(self.team["sales_a"])
		order = selling_doc(
			"Customer Order", first, [{"product": product, "qty": 2}], opportunity=opportunity.name
		)
		self.assertEqual(order.campaign, campaign.name)
		order.submit()
		draft = selling_doc("Customer Order", first, [{"product": product, "qty": 5}], campaign=campaign.name)
		expense = make_expense(first, amount=300, campaign=campaign.name)
		# approved: the Sales Expense Approval workflow submits on approval
		frappe.db.set_value("Sales Expense", expense.name, {"docstatus": 1, "workflow_state": "Approved"})
		make_expense(first, amount=999, campaign=campaign.name)  # pending: not spent yet

		summary = campaign_summary(campaign.name)
		results = summary["results"]
		self.assertEqual(
			(results["leads"], results["customers"], results["deal_customers"], results["target_customers"]),
			(1, 2, 1, 3),
		)
		self.assertEqual((results["opportunities"], results["won_opportunities"]), (1, 1))
		self.assertEqual(results["won_amount"], 5000)
		self.assertEqual((results["orders"], results["order_amount"]), (1, order.grand_total))
		self.assertNotEqual(order.grand_total, draft.grand_total + order.grand_total)
		self.assertEqual(results["expense_amount"], 300)
		goals = {g["metric"]: g for g in summary["goals"]}
		self.assertEqual((goals["Customers"]["percent"], goals["Customers"]["reached"]), (100.0, True))
		self.assertFalse(goals["Order Amount"]["reached"])
		self.assertEqual(summary["budget"]["remaining"], 700)
		self.assertEqual(summary["budget"]["return_ratio"], round(order.grand_total / 300, 2))
		# the other campaign counts only its own customer
		self.assertEqual(campaign_summary(other.name)["results"]["customers"], 1)
		# cancelling the order takes it out of the results
		frappe.set_user("Administrator")
		frappe.get_doc("Customer Order", order.name).cancel()
		self.assertEqual(campaign_summary(campaign.name)["results"]["orders"], 0)

	def test_tasks_are_assignments_and_share_the_campaign_with_the_assignee(self):
		campaign = make_campaign()
		self.assertEqual(
			listed_and_readable("Sales Campaign", campaign.name, self.team["sales_b"]), (False, False)
		)
		frappe.set_user(self.team["manager"])
		# the test site has no outgoing e-mail account: the in-app notice is enough here
		frappe.db.set_value("Notification Settings", self.team["sales_b"], "enable_email_notifications", 0)
		assign({"doctype": "Sales Campaign", "name": campaign.name, "assign_to": [self.team["sales_b"]],
				"description": "布置展位", "date": add_days(today(), 3)})  # fmt: skip
		tasks = campaign_summary(campaign.name)["tasks"]
		self.assertEqual([(t.allocated_to, t.status) for t in tasks], [(self.team["sales_b"], "Open")])
		self.assertIn("布置展位", tasks[0].description)
		self.assertEqual(
			listed_and_readable("Sales Campaign", campaign.name, self.team["sales_b"]), (True, True)
		)

	def test_campaigns_follow_the_owners_scope(self):
		campaign = make_campaign()
		self.assertEqual(campaign.campaign_owner, self.team["sales_a"])
		self.assertEqual(campaign.sales_department, "测试一组")
		self.assertEqual(
			listed_and_readable("Sales Campaign", campaign.name, self.team["sales_a"]), (True, True)
		)
		self.assertEqual(
			listed_and_readable("Sales Campaign", campaign.name, self.team["manager"]), (True, True)
		)
		self.assertEqual(
			listed_and_readable("Sales Campaign", campaign.name, self.team["sales_b"]), (False, False)
		)
		self.assertEqual(
			listed_and_readable("Sales Campaign", campaign.name, self.team["outsider"]), (False, False)
		)
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(frappe.PermissionError):
			campaign_results(campaign.name)
		with self.assertRaises(frappe.DoesNotExistError):
			campaign_results("MKT-无此活动")
		# a salesperson may not make a colleague of another team the owner
		frappe.set_user(self.team["sales_a"])
		with self.assertRaises(CampaignOwnerRefused):
			make_campaign(campaign_owner=self.team["sales_b"])

	def test_bad_plans_are_refused(self):
		with self.assertRaises(CampaignDatesInvalid):
			make_campaign(start_date=today(), end_date=add_days(today(), -1))
		with self.assertRaises(DuplicateGoal):
			make_campaign(
				goals=[{"metric": "Leads", "target_value": 1}, {"metric": "Leads", "target_value": 2}]
			)
		customer = make_customer(salesperson=self.team["sales_a"]).name
		with self.assertRaises(DuplicateGroupMember):
			make_group([customer, customer])

	def test_report_shows_only_campaigns_in_scope_with_their_results(self):
		mine = make_campaign(budget=500)
		make_customer(salesperson=self.team["sales_a"], campaign=mine.name)  # inserted as Administrator
		frappe.set_user(self.team["sales_b"])
		theirs = make_campaign(
			channel="SMS",
			status="In Progress",
			start_date=add_days(today(), 40),
			end_date=add_days(today(), 50),
		)
		for user, expected in (
			(self.team["sales_a"], {mine.name}),
			(self.team["sales_b"], {theirs.name}),
			(self.team["manager"], {mine.name, theirs.name}),
		):
			frappe.set_user(user)
			columns, data, _message, chart, summary = report.execute({})
			names = {row["campaign"] for row in data}
			self.assertEqual(names & {mine.name, theirs.name}, expected, user)
			self.assertTrue(columns and chart and summary)
		frappe.set_user(self.team["manager"])
		for filters in (
			{"status": "In Progress"},
			{"channel": "SMS"},
			{"campaign_owner": self.team["sales_b"]},
			{"from_date": add_days(today(), 35), "to_date": add_days(today(), 60)},
		):
			names = {row["campaign"] for row in report.execute(filters)[1]}
			self.assertIn(theirs.name, names, filters)
			self.assertNotIn(mine.name, names, filters)
		row = next(r for r in report.execute({})[1] if r["campaign"] == mine.name)
		self.assertEqual((row["customers"], row["budget"]), (1, 500))


class TestInquiry(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		self.customer = make_customer(salesperson=self.team["sales_a"]).name
		frappe.set_user(self.team["sales_a"])

	def test_an_inquiry_becomes_one_opportunity_linked_back(self):
		inquiry = make_inquiry(customer=self.customer, answer="<p>报价单已发送</p>")
		self.assertEqual((inquiry.status, inquiry.answered_by), ("Answered", self.team["sales_a"]))
		first = service_desk.convert_to_opportunity(inquiry.name)
		self.assertTrue(first["created"])
		opportunity = frappe.get_doc("Sales Opportunity", first["opportunity"])
		self.assertEqual(
			(opportunity.customer, opportunity.salesperson, opportunity.opportunity_title),
			(self.customer, self.team["sales_a"], "询问产品价格"),
		)
		self.assertIn("报价", opportunity.needs)
		inquiry.reload()
		self.assertEqual((inquiry.status, inquiry.opportunity), ("Converted", opportunity.name))
		again = service_desk.convert_to_opportunity(inquiry.name)
		self.assertEqual(again, {"opportunity": opportunity.name, "created": False})
		self.assertEqual(frappe.db.count("Sales Opportunity", {"customer": self.customer}), 1)

	def test_conversion_needs_a_customer_an_open_inquiry_and_the_right_to_change_it(self):
		caller = make_inquiry(caller_name="王先生", phone_masked="13800138000")
		with self.assertRaises(InquiryWithoutCustomer):
			service_desk.convert_to_opportunity(caller.name)
		closed = make_inquiry(customer=self.customer, status="Closed")
		with self.assertRaises(InquiryClosed):
			service_desk.convert_to_opportunity(closed.name)
		mine = make_inquiry(customer=self.customer)
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(frappe.PermissionError):
			service_desk.convert_to_opportunity(mine.name)
		with self.assertRaises(frappe.DoesNotExistError):
			service_desk.convert_to_opportunity("INQ-无此咨询")
		with self.assertRaises(InquiryWithoutCaller):
			make_inquiry()

	def test_a_caller_s_number_is_kept_in_full_and_shown_masked(self):
		frappe.db.set_single_value("CRM Suite Settings", "mask_phone_numbers", 1)
		inquiry = make_inquiry(caller_name="李女士", phone_masked="13912345678")
		inquiry.reload()
		self.assertEqual(inquiry.phone, "13912345678")
		self.assertNotIn("12345678", inquiry.phone_masked)
		frappe.set_user(self.team["sales_a"])
		row = frappe.get_list("Service Inquiry", filters={"name": inquiry.name}, fields=["*"])[0]
		self.assertNotIn("phone", row)  # permission level 1: managers and admins only

	def test_an_inquiry_from_the_screen_pop_takes_number_and_customer_from_the_call(self):
		frappe.set_user("Administrator")
		call = frappe.get_doc(
			{
				"doctype": "Phone Call Record",
				"call_type": "Inbound",
				"status": "Answered",
				"user": self.team["sales_a"],
				"phone_number": "13700001111",
				"phone_key": "13700001111",
				"customer": self.customer,
				"start_time": now_datetime(),
			}
		)
		call.db_insert()
		frappe.set_user(self.team["sales_a"])
		inquiry = make_inquiry(phone_call_record=call.name, phone_masked="13999999999")
		self.assertEqual((inquiry.phone, inquiry.customer), ("13700001111", self.customer))
		frappe.set_user(self.team["sales_b"])  # not their call: refused
		with self.assertRaises(frappe.PermissionError):
			make_inquiry(phone_call_record=call.name)

	def test_inquiries_follow_the_handler_s_scope_and_show_on_the_customer(self):
		inquiry = make_inquiry(customer=self.customer)
		self.assertEqual(
			listed_and_readable("Service Inquiry", inquiry.name, self.team["sales_a"]), (True, True)
		)
		self.assertEqual(
			listed_and_readable("Service Inquiry", inquiry.name, self.team["manager"]), (True, True)
		)
		self.assertEqual(
			listed_and_readable("Service Inquiry", inquiry.name, self.team["sales_b"]), (False, False)
		)
		items = [i for group in connections()["transactions"] for i in group["items"]]
		self.assertIn("Service Inquiry", items)
		frappe.set_user(self.team["sales_b"])  # nor can they file one on a customer they may not see
		with self.assertRaises(frappe.PermissionError):
			make_inquiry(customer=self.customer)


class TestKnowledgeBase(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()

	def make_article(self, title: str, **values):
		values.setdefault("category", "常见问题")
		values.setdefault("content", "<p>七天无理由退货。</p>")
		return frappe.get_doc({"doctype": "Knowledge Article", "title": title, **values}).insert()

	def test_categories_are_seeded_in_chinese(self):
		for name in ("全部知识", "产品知识", "售前咨询", "售后服务", "常见问题"):
			self.assertTrue(frappe.db.exists("Knowledge Category", name), name)

	def test_search_finds_articles_by_text_keywords_and_pinyin(self):
		frappe.set_user(self.team["manager"])
		returns = self.make_article("退货政策", keywords="售后 退款")
		self.make_article("安装指南", content="<p>上门安装</p>")
		hidden = self.make_article("退货旧规", published=0)
		frappe.set_user(self.team["sales_a"])
		for text in ("退货", "退款", "thzc", "tuihuo", "七天"):
			names = [a.name for a in service_desk.search_articles(text)]
			self.assertIn(returns.name, names, text)
			self.assertNotIn(hidden.name, names, text)
		self.assertNotIn(returns.name, [a.name for a in service_desk.search_articles("azzn")])

	def test_everyone_reads_managers_write(self):
		frappe.set_user(self.team["manager"])
		article = self.make_article("报价流程")
		for user in (self.team["sales_a"], self.team["sales_b"], self.team["outsider"]):
			self.assertEqual(listed_and_readable("Knowledge Article", article.name, user), (True, True))
		frappe.set_user(self.team["sales_a"])
		self.assertFalse(frappe.has_permission("Knowledge Article", "write", article.name))
		with self.assertRaises(frappe.PermissionError):
			self.make_article("销售自写")

	def test_articles_import_from_excel_with_data_import(self):
		from openpyxl import Workbook

		tag = frappe.generate_hash(length=6)
		book = Workbook()
		sheet = book.active
		sheet.append(["Title", "Category", "Keywords", "Answer / Content"])
		sheet.append([f"保修期限{tag}", "售后服务", "保修", "整机保修一年"])
		sheet.append([f"开票说明{tag}", "售前咨询", "发票", "可开增值税专用发票"])
		content = io.BytesIO()
		book.save(content)
		upload = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"knowledge{tag}.xlsx",
				"content": content.getvalue(),
				"is_private": 1,
			}
		).insert(ignore_permissions=True)
		# Frappe's Data Import is the System Manager's (Administrator here); managers use import_knowledge
		data_import = frappe.get_doc(
			{
				"doctype": "Data Import",
				"reference_doctype": "Knowledge Article",
				"import_type": "Insert New Records",
				"import_file": upload.file_url,
			}
		).insert()
		try:
			data_import.start_import()  # runs at once under tests, as a background job on a site
			self.assertEqual(frappe.db.get_value("Data Import", data_import.name, "status"), "Success")
			imported = frappe.get_all(
				"Knowledge Article",
				filters={"title": ("like", f"%{tag}")},
				fields=["title", "category", "title_pinyin"],
				order_by="title",
			)
			self.assertEqual(
				{(a.title, a.category) for a in imported},
				{(f"保修期限{tag}", "售后服务"), (f"开票说明{tag}", "售前咨询")},
			)
			self.assertTrue(all(a.title_pinyin for a in imported))
		finally:
			# the importer commits each row: remove what it made
			for name in frappe.get_all(
				"Knowledge Article", filters={"title": ("like", f"%{tag}")}, pluck="name"
			):
				frappe.delete_doc("Knowledge Article", name, ignore_permissions=True, force=True)
			frappe.db.commit()

	def sheet(self, rows: list[list]) -> str:
		from openpyxl import Workbook

		book = Workbook()
		for row in rows:
			book.active.append(row)
		content = io.BytesIO()
		book.save(content)
		return (
			frappe.get_doc(
				{
					"doctype": "File",
					"file_name": f"kb{frappe.generate_hash(length=6)}.xlsx",
					"content": content.getvalue(),
					"is_private": 1,
				}
			)
			.insert(ignore_permissions=True)
			.file_url
		)

	def test_managers_import_articles_all_or_nothing(self):
		from crm_suite.api.service import import_knowledge

		frappe.set_user(self.team["manager"])  # the uploader's own private files
		good = self.sheet(
			[
				["标题", "分类", "关键词", "内容"],
				["发票怎么开", "售前咨询", "发票", "可开专票"],
				[None, None, None, None],
			]
		)
		bad = self.sheet(
			[
				["标题", "分类", "内容"],
				["保修多久", "售后服务", "一年"],
				["缺内容", "售后服务", None],
				["错分类", "无此分类", "x"],
			]
		)
		frappe.set_user(self.team["sales_a"])
		with self.assertRaises(frappe.PermissionError):
			import_knowledge(good)
		frappe.set_user(self.team["manager"])
		out = import_knowledge(bad)
		self.assertEqual([e["row"] for e in out["errors"]], [3, 4])
		self.assertEqual(out["imported"], [])
		self.assertFalse(frappe.db.exists("Knowledge Article", {"title": "保修多久"}))
		out = import_knowledge(good)
		self.assertEqual((len(out["imported"]), out["errors"]), (1, []))
		article = frappe.get_doc("Knowledge Article", out["imported"][0])
		self.assertEqual(
			(article.title, article.category, article.keywords), ("发票怎么开", "售前咨询", "发票")
		)
		self.assertTrue(article.title_pinyin.startswith("fapiao"))
		again = import_knowledge(good)  # the same title twice is refused, not duplicated
		self.assertEqual((again["imported"], [e["row"] for e in again["errors"]]), ([], [2]))
		with self.assertRaises(frappe.DoesNotExistError):
			import_knowledge("/private/files/无此文件.xlsx")
