"""Complaints (SPEC SVC-02), service requests, work orders and service contracts (SPEC SVC-03) on a real site:
deadlines by severity, the append-only handling record, escalation converging after a killed run, row scope
with the engineer's dispatched-only view and masked contact, the follow-up visit plan on completion, and the
contract expiry run."""

from unittest.mock import patch

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, add_to_date, get_datetime, getdate, now_datetime, today

from crm_suite.api.service import add_complaint_step, dispatch_service_request
from crm_suite.services import complaints
from crm_suite.services.complaints import (
	ComplaintClosed,
	HandlingRecordLocked,
	InvalidComplaint,
	SatisfactionRequired,
	announce_escalations,
	escalate_overdue_complaints,
	mark_overdue,
)
from crm_suite.services.field_service import CompletionIncomplete, remind_expiring_contracts
from crm_suite.tests.utils import CRMTestCase, listed_and_readable, make_customer, make_sales_team, make_user

FULL_MOBILE = "13912345678"


def make_complaint(customer: str, **values):
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


def notices(user: str, doctype: str) -> int:
	return frappe.db.count("Notification Log", {"for_user": user, "document_type": doctype})


def escalation_steps(complaint: str) -> int:
	return frappe.db.count(
		"Complaint Handling Step", {"parent": complaint, "name": ("like", f"{complaint}-ESC-%")}
	)


class TestComplaints(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		frappe.set_user(self.team["sales_a"])
		self.customer = make_customer(salesperson=self.team["sales_a"]).name

	def test_deadline_follows_the_severitys_hours_and_owner_fields_the_customer(self):
		reported = get_datetime("2026-12-01 09:00:00")
		complaint = make_complaint(self.customer, severity="紧急", reported_on=reported)
		self.assertEqual(get_datetime(complaint.deadline), add_to_date(reported, hours=4))
		self.assertEqual(complaint.salesperson, self.team["sales_a"])
		self.assertEqual(complaint.responsible_person, self.team["sales_a"])
		self.assertEqual(complaint.workflow_state, "Open")
		complaint.severity = "一般"
		complaint.save()
		self.assertEqual(get_datetime(complaint.deadline), add_to_date(reported, hours=72))

	def test_an_inactive_severity_is_refused(self):
		frappe.set_user("Administrator")
		frappe.db.set_value("Complaint Severity", "严重", "enabled", 0)
		frappe.set_user(self.team["sales_a"])
		with self.assertRaises(InvalidComplaint):
			make_complaint(self.customer, severity="严重")

	def test_handling_steps_are_appended_with_who_and_when_and_never_edited(self):
		complaint = make_complaint(self.customer)
		step = add_complaint_step(complaint.name, "已电话联系客户，安排上门", "电话沟通")
		self.assertEqual((step["step_by"], step["action"]), (self.team["sales_a"], "电话沟通"))
		doc = frappe.get_doc("Customer Complaint", complaint.name)
		self.assertEqual([s.action for s in doc.handling_steps][-1], "电话沟通")
		self.assertEqual(len(doc.handling_steps), 2)  # registered + the step
		doc.handling_steps[-1].note = "改写记录"
		with self.assertRaises(HandlingRecordLocked):
			doc.save()
		doc.reload()
		doc.append("handling_steps", {"action": "伪造", "note": "x", "step_by": self.team["manager"]})
		with self.assertRaises(HandlingRecordLocked):
			doc.save()
		with self.assertRaises(frappe.ValidationError):
			add_complaint_step(complaint.name, "   ")

	def test_workflow_closes_only_with_satisfaction_and_records_each_state(self):
		complaint = make_complaint(self.customer)
		doc = apply_workflow(complaint, "Start Handling")
		doc.resolution = "更换风扇"
		doc.save()
		doc = apply_workflow(doc, "Resolve")
		with self.assertRaises(SatisfactionRequired):
			apply_workflow(doc, "Close")
		doc.reload()
		doc.satisfaction = 0.8
		doc.satisfaction_comment = "满意"
		doc.save()
		doc = apply_workflow(doc, "Close")
		self.assertEqual(doc.workflow_state, "Closed")
		self.assertTrue(doc.closed_on)
		actions = frappe.get_all(
			"Complaint Handling Step", filters={"parent": doc.name}, pluck="action", order_by="idx asc"
		)
		self.assertEqual(len(actions), 4)  # registered, in progress, resolved, closed
		with self.assertRaises(ComplaintClosed):
			add_complaint_step(doc.name, "结案后追加")

	def test_a_new_responsible_person_is_audited_in_the_record(self):
		complaint = make_complaint(self.customer)
		frappe.set_user(self.team["manager"])
		doc = frappe.get_doc("Customer Complaint", complaint.name)
		doc.responsible_person = self.team["sales_b"]
		doc.save()
		last = frappe.get_all(
			"Complaint Handling Step",
			filters={"parent": doc.name},
			fields=["step_by", "note"],
			order_by="idx desc",
			limit=1,
		)[0]
		self.assertEqual(last.step_by, self.team["manager"])
		self.assertIn(self.team["sales_b"], last.note)
		# the new responsible person sees it; their colleague outside the team does not
		self.assertEqual(
			listed_and_readable("Customer Complaint", doc.name, self.team["sales_b"]), (True, True)
		)
		self.assertEqual(
			listed_and_readable("Customer Complaint", doc.name, self.team["outsider"]), (False, False)
		)

	def test_scope_own_manager_subtree_colleague_nothing(self):
		complaint = make_complaint(self.customer).name
		self.assertEqual(
			listed_and_readable("Customer Complaint", complaint, self.team["sales_a"]), (True, True)
		)
		self.assertEqual(
			listed_and_readable("Customer Complaint", complaint, self.team["manager"]), (True, True)
		)
		self.assertEqual(
			listed_and_readable("Customer Complaint", complaint, self.team["sales_b"]), (False, False)
		)
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(frappe.PermissionError):
			add_complaint_step(complaint, "越权追加")

	def overdue_complaint(self) -> str:
		reported = add_to_date(now_datetime(), hours=-10)
		return make_complaint(self.customer, severity="紧急", reported_on=reported).name

	def test_overdue_complaints_escalate_to_the_manager_once(self):
		overdue = self.overdue_complaint()
		on_time = make_complaint(self.customer, severity="一般").name
		frappe.set_user("Administrator")
		before = notices(self.team["manager"], "Customer Complaint")
		self.assertEqual(escalate_overdue_complaints(), {self.team["manager"]: 1})
		row = frappe.db.get_value(
			"Customer Complaint", overdue, ["escalated", "escalated_to", "escalation_notified"], as_dict=True
		)
		self.assertEqual(
			(row.escalated, row.escalated_to, row.escalation_notified), (1, self.team["manager"], 1)
		)
		self.assertEqual(frappe.db.get_value("Customer Complaint", on_time, "escalated"), 0)
		self.assertEqual(escalate_overdue_complaints(), {})
		self.assertEqual(notices(self.team["manager"], "Customer Complaint"), before + 1)
		self.assertEqual(escalation_steps(overdue), 1)
		# the manager now sees it (subtree) and the escalation is in its record
		self.assertEqual(
			listed_and_readable("Customer Complaint", overdue, self.team["manager"]), (True, True)
		)

	def test_a_run_killed_after_marking_converges_without_a_second_notice(self):
		overdue = self.overdue_complaint()
		frappe.set_user("Administrator")
		before = notices(self.team["manager"], "Customer Complaint")
		self.assertEqual(mark_overdue(), 1)  # the run dies here: marked, not announced
		self.assertEqual(mark_overdue(), 0)
		escalate_overdue_complaints()
		escalate_overdue_complaints()
		self.assertEqual(notices(self.team["manager"], "Customer Complaint"), before + 1)
		self.assertEqual(escalation_steps(overdue), 1)

	def test_a_run_killed_while_announcing_leaves_nothing_half_done(self):
		overdue = self.overdue_complaint()
		frappe.set_user("Administrator")
		before = notices(self.team["manager"], "Customer Complaint")
		mark_overdue()
		frappe.db.savepoint("announce")
		with patch.object(complaints, "notify_users", side_effect=SystemExit("killed")):
			with self.assertRaises(SystemExit):
				announce_escalations()
		frappe.db.rollback(save_point="announce")  # the killed transaction never commits
		self.assertEqual(frappe.db.get_value("Customer Complaint", overdue, "escalation_notified"), 0)
		self.assertEqual(escalation_steps(overdue), 0)
		self.assertEqual(escalate_overdue_complaints(), {self.team["manager"]: 1})
		self.assertEqual(escalate_overdue_complaints(), {})
		self.assertEqual(notices(self.team["manager"], "Customer Complaint"), before + 1)
		self.assertEqual(escalation_steps(overdue), 1)

	def test_a_one_pass_run_killed_at_its_notice_leaves_nothing_and_the_rerun_escalates_once(self):
		overdue = self.overdue_complaint()
		frappe.set_user("Administrator")
		before = notices(self.team["manager"], "Customer Complaint")
		frappe.db.savepoint("run")
		# the steps are written and the rows marked, then the run dies before its transaction commits
		with patch.object(complaints, "notify_users", side_effect=SystemExit("killed")):
			with self.assertRaises(SystemExit):
				escalate_overdue_complaints()
		frappe.db.rollback(save_point="run")
		row = frappe.db.get_value(
			"Customer Complaint", overdue, ["escalated", "escalation_notified"], as_dict=True
		)
		self.assertEqual((row.escalated, row.escalation_notified), (0, 0))
		self.assertEqual(escalation_steps(overdue), 0)
		self.assertEqual(escalate_overdue_complaints(), {self.team["manager"]: 1})
		self.assertEqual(escalate_overdue_complaints(), {})
		self.assertEqual(notices(self.team["manager"], "Customer Complaint"), before + 1)
		self.assertEqual(escalation_steps(overdue), 1)
		row = frappe.db.get_value(
			"Customer Complaint",
			overdue,
			["escalated", "escalated_to", "escalation_notified"],
			as_dict=True,
		)
		self.assertEqual(
			(row.escalated, row.escalated_to, row.escalation_notified), (1, self.team["manager"], 1)
		)

	def test_a_complaint_of_someone_without_a_manager_is_escalated_to_nobody_with_its_step(self):
		frappe.set_user(self.team["outsider"])
		customer = make_customer(salesperson=self.team["outsider"]).name
		reported = add_to_date(now_datetime(), hours=-10)
		overdue = make_complaint(customer, severity="紧急", reported_on=reported).name
		frappe.set_user("Administrator")
		self.assertNotIn(None, escalate_overdue_complaints())
		row = frappe.db.get_value(
			"Customer Complaint", overdue, ["escalated", "escalated_to", "escalation_notified"], as_dict=True
		)
		self.assertEqual((row.escalated, row.escalated_to, row.escalation_notified), (1, None, 1))
		self.assertEqual(escalation_steps(overdue), 1)


class TestFieldService(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		self.engineer = make_user("engineer", ["CRM Service Engineer"])
		self.other_engineer = make_user("engineer2", ["CRM Service Engineer"])
		frappe.db.set_single_value("CRM Suite Settings", "mask_phone_numbers", 1)
		frappe.set_user(self.team["sales_a"])
		self.customer = make_customer(
			salesperson=self.team["sales_a"], mobile_no=FULL_MOBILE, contact_person="王工"
		).name
		self.request = frappe.get_doc(
			{
				"doctype": "Service Request",
				"customer": self.customer,
				"subject": "空调不制冷",
				"request_type": "Repair",
				"description": "开机后不制冷",
			}
		).insert()

	def dispatch(self, engineer=None) -> str:
		frappe.set_user(self.team["manager"])
		name = dispatch_service_request(
			self.request.name, engineer or self.engineer, str(add_to_date(now_datetime(), hours=2))
		)
		return name

	def test_a_salesperson_cannot_dispatch_and_the_engineer_must_hold_the_role(self):
		with self.assertRaises(frappe.PermissionError):
			dispatch_service_request(self.request.name, self.engineer, str(now_datetime()))
		frappe.set_user(self.team["manager"])
		with self.assertRaises(frappe.ValidationError):
			dispatch_service_request(self.request.name, self.team["sales_b"], str(now_datetime()))
		with self.assertRaises(frappe.ValidationError):
			dispatch_service_request(self.request.name, self.engineer, "not a date")

	def test_engineer_sees_only_orders_dispatched_to_them_with_the_contact_masked(self):
		frappe.set_user(self.team["manager"])
		draft = frappe.get_doc(
			{
				"doctype": "Service Work Order",
				"service_request": self.request.name,
				"engineer": self.engineer,
				"scheduled_start": now_datetime(),
			}
		).insert()
		self.assertEqual(draft.workflow_state, "Draft")
		self.assertEqual(listed_and_readable("Service Work Order", draft.name, self.engineer), (False, False))
		order = self.dispatch()
		self.assertEqual(listed_and_readable("Service Work Order", order, self.engineer), (True, True))
		self.assertEqual(
			listed_and_readable("Service Work Order", order, self.other_engineer), (False, False)
		)
		self.assertEqual(listed_and_readable("Service Work Order", order, self.team["sales_a"]), (True, True))
		self.assertEqual(
			listed_and_readable("Service Work Order", order, self.team["sales_b"]), (False, False)
		)
		self.assertEqual(frappe.db.get_value("Service Request", self.request.name, "status"), "Dispatched")
		self.assertEqual(notices(self.engineer, "Service Work Order") >= 1, True)
		frappe.set_user(self.engineer)
		doc = frappe.get_doc("Service Work Order", order)
		self.assertEqual(doc.contact_person, "王工")
		self.assertNotIn(FULL_MOBILE, frappe.as_json(doc.as_dict()))
		self.assertIn("*", doc.contact_mobile)
		# nothing of the sales side: not the customer, not the request
		self.assertFalse(frappe.has_permission("Customer Account", "read", self.customer, user=self.engineer))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_list("Customer Account", filters={"name": self.customer})
		self.assertFalse(
			frappe.has_permission("Service Request", "read", self.request.name, user=self.engineer)
		)

	def test_completion_needs_result_and_signature_and_plans_the_salespersons_visit_once(self):
		order = self.dispatch()
		frappe.set_user(self.engineer)
		doc = apply_workflow(frappe.get_doc("Service Work Order", order), "Start Work")
		self.assertTrue(doc.started_on)
		with self.assertRaises(CompletionIncomplete):
			apply_workflow(doc, "Complete")
		doc = frappe.get_doc("Service Work Order", order)
		doc.result = "更换压缩机电容，恢复制冷"
		doc.append("parts", {"part_name": "压缩机电容", "qty": 1})
		doc.save()
		with self.assertRaises(CompletionIncomplete):
			apply_workflow(doc, "Complete")
		doc = frappe.get_doc("Service Work Order", order)
		doc.customer_signature = "data:image/png;base64,iVBORw0KGgo="
		doc.save()
		doc = apply_workflow(doc, "Complete")
		self.assertEqual(frappe.session.user, self.engineer)
		plan = frappe.db.get_value("Service Work Order", order, "visit_plan")
		self.assertTrue(plan)
		values = frappe.db.get_value(
			"Visit Plan", plan, ["salesperson", "customer", "status", "planned_date"], as_dict=True
		)
		self.assertEqual(
			(values.salesperson, values.customer, values.status),
			(self.team["sales_a"], self.customer, "Planned"),
		)
		self.assertEqual(getdate(values.planned_date), getdate(add_days(today(), 3)))
		self.assertEqual(frappe.db.get_value("Service Request", self.request.name, "status"), "Completed")
		self.assertEqual(frappe.db.count("Visit Plan", {"customer": self.customer}), 1)
		# the engineer cannot take a transition that is the manager's
		frappe.set_user(self.team["sales_a"])
		survey = frappe.get_doc("Service Work Order", order)
		survey.satisfaction = 1
		survey.save()
		self.assertTrue(survey.surveyed_on)
		self.assertEqual(frappe.db.count("Visit Plan", {"customer": self.customer}), 1)

	def test_the_engineer_cannot_dispatch_or_cancel(self):
		frappe.set_user(self.team["manager"])
		draft = frappe.get_doc(
			{
				"doctype": "Service Work Order",
				"service_request": self.request.name,
				"engineer": self.engineer,
				"scheduled_start": now_datetime(),
			}
		).insert()
		order = self.dispatch()
		frappe.set_user(self.engineer)
		with self.assertRaises(frappe.ValidationError):
			apply_workflow(frappe.get_doc("Service Work Order", order), "Cancel")
		frappe.set_user(self.team["sales_a"])
		with self.assertRaises((frappe.ValidationError, frappe.PermissionError)):
			apply_workflow(frappe.get_doc("Service Work Order", draft.name), "Dispatch")


class TestServiceContracts(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		frappe.set_user(self.team["sales_a"])
		self.customer = make_customer(salesperson=self.team["sales_a"]).name

	def contract(self, end_in_days: int, reminder_days: int = 30) -> str:
		return (
			frappe.get_doc(
				{
					"doctype": "Service Contract",
					"customer": self.customer,
					"contract_title": "年度维保",
					"start_date": add_days(today(), -300),
					"end_date": add_days(today(), end_in_days),
					"reminder_days": reminder_days,
				}
			)
			.insert()
			.name
		)

	def test_expiry_run_announces_each_contract_once_and_expires_ended_ones(self):
		far = self.contract(200)
		soon = self.contract(10)
		frappe.set_user("Administrator")
		frappe.db.set_value("Service Contract", soon, "status", "Active")  # as before its window opened
		before = notices(self.team["sales_a"], "Service Contract")
		self.assertEqual(remind_expiring_contracts(), {self.team["sales_a"]: 1})
		self.assertEqual(remind_expiring_contracts(), {})
		self.assertEqual(notices(self.team["sales_a"], "Service Contract"), before + 1)
		self.assertEqual(frappe.db.get_value("Service Contract", soon, "status"), "Expiring")
		self.assertEqual(frappe.db.get_value("Service Contract", far, "status"), "Active")
		self.assertEqual(remind_expiring_contracts(add_days(today(), 11)), {})
		self.assertEqual(frappe.db.get_value("Service Contract", soon, "status"), "Expired")

	def test_a_run_killed_before_announcing_converges_with_one_notice(self):
		self.contract(5)
		frappe.set_user("Administrator")
		before = notices(self.team["sales_a"], "Service Contract")
		frappe.db.savepoint("expiry")
		with patch("crm_suite.services.field_service.notify_users", side_effect=SystemExit("killed")):
			with self.assertRaises(SystemExit):
				remind_expiring_contracts()
		frappe.db.rollback(save_point="expiry")
		self.assertEqual(remind_expiring_contracts(), {self.team["sales_a"]: 1})
		self.assertEqual(remind_expiring_contracts(), {})
		self.assertEqual(notices(self.team["sales_a"], "Service Contract"), before + 1)

	def test_end_before_start_is_refused_and_colleagues_do_not_see_it(self):
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{
					"doctype": "Service Contract",
					"customer": self.customer,
					"contract_title": "错误合同",
					"start_date": today(),
					"end_date": add_days(today(), -1),
				}
			).insert()
		name = self.contract(100)
		self.assertEqual(listed_and_readable("Service Contract", name, self.team["manager"]), (True, True))
		self.assertEqual(listed_and_readable("Service Contract", name, self.team["sales_b"]), (False, False))
