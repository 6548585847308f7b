"""Visit plans (SPEC FUP-03) and follow-up queries (SPEC FUP-05) on a real site."""

import frappe
from frappe.utils import add_days, getdate, today

from crm_suite.api.follow_up import visit_plan_events as get_events
from crm_suite.follow_up.report.follow_up_query import follow_up_query
from crm_suite.services.visit_plan import (
	PlanAssignmentRefused,
	PlanNotOpen,
	flag_overdue_plans,
	overdue_update,
)
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team


def make_plan(customer: str, **values):
	return frappe.get_doc(
		{
			"doctype": "Visit Plan",
			"customer": customer,
			"subject": "拜访客户",
			"method": "Visit",
			"planned_date": today(),
			**values,
		}
	).insert()


def log_follow_up(customer: str, **values):
	return frappe.get_doc(
		{
			"doctype": "Follow Up Record",
			"customer": customer,
			"method": "Visit",
			"content": "上门拜访",
			**values,
		}
	).insert()


def possible_keys(sql: str, table: str) -> set[str]:
	"""The indexes MariaDB could use for `table` in `sql` (stable however few rows the test site has)."""
	rows = frappe.db.sql(f"EXPLAIN {sql}", as_dict=True)
	return {key for row in rows if row.table == table for key in (row.possible_keys or "").split(",") if key}


def overdue_notices(user: str) -> int:
	return frappe.db.count("Notification Log", {"for_user": user, "document_type": "Visit Plan"})


class TestVisitPlan(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		frappe.set_user(self.team["sales_a"])
		self.customer = make_customer().name

	def test_salesperson_plans_for_themself_with_times_for_the_calendar(self):
		plan = make_plan(self.customer, start_time="09:30:00", duration=60, is_key=1)
		self.assertEqual(plan.salesperson, self.team["sales_a"])
		self.assertEqual(plan.sales_department, "测试一组")
		self.assertEqual(plan.status, "Planned")
		self.assertEqual(str(plan.planned_start), f"{today()} 09:30:00")
		self.assertEqual(str(plan.planned_end), f"{today()} 10:30:00")
		with self.assertRaises(frappe.ValidationError):
			make_plan(self.customer, start_time="11:00:00", duration=0)

	def test_calendar_drag_moves_day_time_and_length(self):
		plan = make_plan(self.customer, start_time="09:00:00", duration=60)
		later = add_days(today(), 2)
		plan.planned_start, plan.planned_end = (
			f"{later} 15:00:00",
			f"{later} 16:30:00",
		)  # as update_event does
		plan.save()
		self.assertEqual((str(plan.planned_date), plan.duration), (later, 90))
		self.assertEqual(str(plan.planned_start), f"{later} 15:00:00")
		plan.reload()
		plan.start_time = "08:00:00"  # a form edit of the time wins over the stored start
		plan.save()
		self.assertEqual(str(plan.planned_start), f"{later} 08:00:00")

	def test_salesperson_cannot_assign_to_a_colleague(self):
		with self.assertRaises(PlanAssignmentRefused):
			make_plan(self.customer, salesperson=self.team["sales_b"])

	def test_manager_assigns_within_the_subtree_only(self):
		frappe.set_user(self.team["manager"])
		plan = make_plan(self.customer, salesperson=self.team["sales_a"])
		self.assertEqual((plan.salesperson, plan.sales_department), (self.team["sales_a"], "测试一组"))
		with self.assertRaises(PlanAssignmentRefused) as refused:
			make_plan(self.customer, salesperson=self.team["outsider"])
		self.assertIn(self.team["outsider"], str(refused.exception))
		plan.salesperson = self.team["outsider"]
		with self.assertRaises(frappe.PermissionError):  # out of the manager's scope, so not saved
			plan.save()

	def test_scope_per_role(self):
		plan = make_plan(self.customer).name
		frappe.set_user(self.team["sales_b"])
		self.assertNotIn(plan, frappe.get_list("Visit Plan", pluck="name"))
		self.assertFalse(frappe.has_permission("Visit Plan", "read", plan))
		frappe.set_user(self.team["outsider"])
		self.assertFalse(frappe.has_permission("Visit Plan", "read", plan))
		frappe.set_user(self.team["manager"])
		self.assertIn(plan, frappe.get_list("Visit Plan", pluck="name"))
		self.assertTrue(frappe.has_permission("Visit Plan", "write", plan))
		frappe.set_user(self.team["admin"])
		self.assertIn(plan, frappe.get_list("Visit Plan", pluck="name"))

	def test_follow_up_against_a_plan_completes_it_once(self):
		plan = make_plan(self.customer, planned_date=add_days(today(), 2))
		record = log_follow_up(self.customer, visit_plan=plan.name)
		plan.reload()
		self.assertEqual((plan.status, plan.completed_by), ("Done", record.name))
		self.assertEqual(plan.completed_on, record.followed_on)
		record.content = "补充内容"
		record.save()  # saving it again changes nothing
		self.assertEqual(frappe.db.get_value("Visit Plan", plan.name, "completed_by"), record.name)
		with self.assertRaises(PlanNotOpen):
			log_follow_up(self.customer, visit_plan=plan.name)
		self.assertEqual(frappe.db.get_value("Visit Plan", plan.name, "completed_by"), record.name)

	def test_follow_up_of_the_planned_day_completes_the_open_plan_by_itself(self):
		plan = make_plan(self.customer, planned_date=today())
		other_day = make_plan(self.customer, planned_date=add_days(today(), 1))
		record = log_follow_up(self.customer)
		self.assertEqual(record.visit_plan, plan.name)
		self.assertEqual(frappe.db.get_value("Visit Plan", plan.name, "status"), "Done")
		self.assertEqual(frappe.db.get_value("Visit Plan", other_day.name, "status"), "Planned")

	def test_plan_of_another_salesperson_is_not_completed_by_mine(self):
		frappe.set_user(self.team["manager"])
		plan = make_plan(self.customer, salesperson=self.team["sales_a"])
		record = log_follow_up(self.customer)  # the manager's own visit
		self.assertFalse(record.visit_plan)
		self.assertEqual(frappe.db.get_value("Visit Plan", plan.name, "status"), "Planned")

	def test_overdue_run_flags_and_notifies_once(self):
		late = make_plan(self.customer, planned_date=add_days(today(), -2)).name
		also_late = make_plan(self.customer, planned_date=add_days(today(), -1)).name
		current = make_plan(self.customer, planned_date=today()).name
		frappe.set_user("Administrator")
		before = overdue_notices(self.team["sales_a"])
		self.assertEqual(flag_overdue_plans(), {self.team["sales_a"]: 2})
		statuses = dict(
			frappe.get_all(
				"Visit Plan", {"name": ("in", [late, also_late, current])}, ["name", "status"], as_list=True
			)
		)
		self.assertEqual(statuses, {late: "Overdue", also_late: "Overdue", current: "Planned"})
		self.assertEqual(overdue_notices(self.team["sales_a"]), before + 1)
		subject = frappe.get_all(
			"Notification Log",
			{"for_user": self.team["sales_a"], "document_type": "Visit Plan"},
			pluck="subject",
			order_by="creation desc",
			limit=1,
		)[0]
		self.assertIn("2", subject)
		self.assertEqual(flag_overdue_plans(), {})  # second run: nothing new, no second notice
		self.assertEqual(overdue_notices(self.team["sales_a"]), before + 1)
		# an overdue plan can still be completed by a follow-up
		frappe.set_user(self.team["sales_a"])
		log_follow_up(self.customer, visit_plan=late)
		self.assertEqual(frappe.db.get_value("Visit Plan", late, "status"), "Done")

	def test_overdue_update_can_use_its_index(self):
		sql = overdue_update(getdate(today())).get_sql()
		self.assertIn("status_overdue_notified_planned_date_index", possible_keys(sql, "tabVisit Plan"))

	def test_rescheduled_overdue_plan_is_open_again(self):
		plan = make_plan(self.customer, planned_date=add_days(today(), -1))
		flag_overdue_plans()
		plan.reload()
		plan.planned_date = add_days(today(), 1)
		plan.save()
		self.assertEqual((plan.status, plan.overdue_notified), ("Planned", 0))

	def test_calendar_events_are_scoped_and_filtered(self):
		mine = make_plan(self.customer, start_time="09:00:00").name
		start, end = add_days(today(), -1), add_days(today(), 1)
		events = {e.name: e for e in get_events(start, end)}
		self.assertIn(mine, events)
		self.assertEqual(str(events[mine].planned_end), f"{today()} 10:00:00")
		frappe.set_user(self.team["sales_b"])
		self.assertNotIn(mine, [e.name for e in get_events(start, end)])
		frappe.set_user(self.team["manager"])
		self.assertIn(mine, [e.name for e in get_events(start, end)])
		by_other = get_events(start, end, filters=[["Visit Plan", "salesperson", "=", self.team["sales_b"]]])
		self.assertNotIn(mine, [e.name for e in by_other])
		by_team = get_events(start, end, filters='[["Visit Plan", "sales_department", "=", "测试一组"]]')
		self.assertIn(mine, [e.name for e in by_team])
		with self.assertRaises(frappe.ValidationError):
			get_events("not a date", end)
		with self.assertRaises(frappe.ValidationError):
			get_events(start, end, filters="{broken")

	def test_auto_repeat_creates_the_next_plan(self):
		plan = make_plan(self.customer, start_time="14:00:00")
		frappe.set_user("Administrator")
		repeat = frappe.get_doc(
			{
				"doctype": "Auto Repeat",
				"reference_doctype": "Visit Plan",
				"reference_document": plan.name,
				"frequency": "Weekly",
				"start_date": today(),
			}
		).insert()
		self.assertEqual(frappe.db.get_value("Visit Plan", plan.name, "auto_repeat"), repeat.name)
		# the first plan is done before the next one is made: the copy starts open
		frappe.db.set_value("Visit Plan", plan.name, "status", "Done")
		new_plan = repeat.make_new_document()
		self.assertEqual(getdate(new_plan.planned_date), getdate(repeat.next_schedule_date))
		self.assertEqual((new_plan.status, new_plan.salesperson), ("Planned", self.team["sales_a"]))
		self.assertEqual(str(new_plan.planned_start), f"{new_plan.planned_date} 14:00:00")
		self.assertFalse(new_plan.completed_by)


class TestFollowUpQuery(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		frappe.set_user(self.team["sales_a"])
		self.customer_a = make_customer().name
		self.record_a = log_follow_up(self.customer_a, followed_on=f"{today()} 09:00:00").name
		frappe.set_user(self.team["sales_b"])
		self.customer_b = make_customer().name
		self.record_b = log_follow_up(self.customer_b, method="Phone", followed_on=f"{today()} 10:00:00").name
		frappe.set_user(self.team["outsider"])
		self.record_out = log_follow_up(make_customer().name, followed_on=f"{today()} 11:00:00").name

	def names(self, **filters):
		filters.setdefault("from_date", add_days(today(), -1))
		filters.setdefault("to_date", today())
		columns, data, *_rest = follow_up_query.execute(filters)
		self.assertTrue(columns)
		return {row.name for row in data}

	def test_scope_per_role(self):
		frappe.set_user(self.team["sales_a"])
		mine = self.names()
		self.assertIn(self.record_a, mine)
		self.assertFalse({self.record_b, self.record_out} & mine)
		frappe.set_user(self.team["manager"])
		team = self.names()
		self.assertTrue({self.record_a, self.record_b} <= team)
		self.assertNotIn(self.record_out, team)
		frappe.set_user(self.team["admin"])
		self.assertTrue({self.record_a, self.record_b, self.record_out} <= self.names())

	def test_filters(self):
		frappe.set_user(self.team["manager"])
		self.assertEqual(
			self.names(customer=self.customer_a) & {self.record_a, self.record_b}, {self.record_a}
		)
		self.assertEqual(
			self.names(salesperson=self.team["sales_b"]) & {self.record_a, self.record_b}, {self.record_b}
		)
		self.assertEqual(
			self.names(sales_department="测试二组") & {self.record_a, self.record_b}, {self.record_b}
		)
		self.assertTrue({self.record_a, self.record_b} <= self.names(sales_department="测试销售部"))
		self.assertEqual(self.names(method="Phone") & {self.record_a, self.record_b}, {self.record_b})
		status = frappe.db.get_value("Customer Account", self.customer_a, "lifecycle_state")
		self.assertIn(self.record_a, self.names(customer_status=status))
		self.assertNotIn(
			self.record_a, self.names(from_date=add_days(today(), -10), to_date=add_days(today(), -5))
		)

	def test_queries_can_use_an_index(self):
		period = {"from_date": add_days(today(), -30), "to_date": today()}
		frappe.set_user(self.team["manager"])  # scope: a list of salespeople
		sql = follow_up_query.build_query(period).get_sql()
		self.assertIn("salesperson_followed_on_index", possible_keys(sql, "tabFollow Up Record"))
		sql = follow_up_query.build_query({**period, "customer": self.customer_a}).get_sql()
		self.assertIn("customer", possible_keys(sql, "tabFollow Up Record"))
		frappe.set_user(self.team["admin"])  # everyone: the date range
		sql = follow_up_query.build_query(period).get_sql()
		self.assertIn("followed_on_index", possible_keys(sql, "tabFollow Up Record"))

	def test_bad_filters_are_validation_errors(self):
		frappe.set_user(self.team["manager"])
		for bad in (
			{"from_date": "not a date"},
			{"from_date": today(), "to_date": add_days(today(), -3)},
			{"from_date": add_days(today(), -800)},
			{"customer_status": "Nonsense"},
			{"sales_department": "No Such Department"},
		):
			with self.subTest(bad=bad), self.assertRaises(frappe.ValidationError):
				self.names(**bad)

	def test_export_is_scoped_and_formula_safe(self):
		from crm_suite.api.overrides import export_report

		frappe.set_user(self.team["sales_a"])
		log_follow_up(self.customer_a, content='=HYPERLINK("http://x.invalid","点我")')
		try:
			frappe.local.form_dict = frappe._dict(
				report_name="Follow Up Query",
				filters=frappe.as_json({"from_date": add_days(today(), -1), "to_date": today()}),
				file_format_type="CSV",
				visible_idx="[]",
			)
			export_report()
			content = frappe.response["filecontent"].decode()
		finally:
			frappe.local.form_dict = frappe._dict()
		self.assertIn(self.record_a, content)
		self.assertNotIn(self.record_b, content)
		self.assertIn("'=HYPERLINK", content)
		self.assertNotIn(',"=HYPERLINK', content)
