"""The follow-up and call rollups (SPEC RPT-02, RPT-07; services/activity_rollup.py): equal to the GROUP BY over
the raw follow-ups and call logs after random inserts, edits, deletes, moves of ownership, the set-based
writers and a killed rebuild; and the reports, cards and charts that read them give the figures the raw
tables give, in every viewer's scope."""

import random

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum
from frappe.utils import (
	add_days,
	add_months,
	add_to_date,
	get_datetime,
	get_first_day,
	getdate,
	now_datetime,
	today,
)

from crm_suite.call_center.report.call_statistics import call_statistics
from crm_suite.decision_centre.reporting import DateFormat, Hour, bucket_of, datetime_range, departments_of
from crm_suite.follow_up.report.follow_up_statistics import follow_up_statistics
from crm_suite.permissions.call_center import call_scope_criterion
from crm_suite.permissions.reports import department_users, where_reported
from crm_suite.permissions.rows import where_in_scope
from crm_suite.services import activity_rollup, reach_rollup
from crm_suite.services.activity_rollup import CALLS, FOLLOW_UPS
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team

CALL_TYPES = ("Inbound", "Outbound", "Missed")
STATUSES = ("Ringing", "Answered", "Ended", "Missed", "Failed")


class ActivityTestCase(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.addCleanup(frappe.db.rollback)  # also when setUp fails (tearDown would not run)
		self.team = make_sales_team()
		self.sellers = [self.team["sales_a"], self.team["sales_b"], self.team["outsider"]]
		self.customers = {s: [make_customer(salesperson=s).name for _ in range(3)] for s in self.sellers}
		self.methods = frappe.get_all("Follow Up Method", pluck="name", order_by="name")
		self.assertTrue(frappe.get_all("Follow Up Method", filters={"is_visit": 1}))

	def random_time(self, rng: random.Random):
		return get_datetime(
			f"{add_days(today(), -rng.randint(0, 100))} {rng.randint(0, 23)}:{rng.randint(0, 59)}:00"
		)

	def follow_up(self, rng: random.Random) -> str:
		"""A follow-up by the customer's current salesperson (customers change hands in the history)."""
		customer = rng.choice([c for cs in self.customers.values() for c in cs])
		seller = frappe.db.get_value("Customer Account", customer, "salesperson")
		frappe.set_user(seller)
		try:
			return (
				frappe.get_doc(
					{
						"doctype": "Follow Up Record",
						"customer": customer,
						"method": rng.choice(self.methods),
						"content": "电话沟通",
						"followed_on": self.random_time(rng),
					}
				)
				.insert()
				.name
			)
		finally:
			frappe.set_user("Administrator")

	def call(self, rng: random.Random, **values) -> str:
		duration = rng.randint(0, 400)
		return (
			frappe.get_doc(
				{
					"doctype": "Phone Call Record",
					"call_type": rng.choice(CALL_TYPES),
					"status": rng.choice(STATUSES),
					"user": rng.choice([*self.sellers, None]),
					"start_time": self.random_time(rng),
					"duration": duration,
					"phone_number": "13800138000",
					**values,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	def random_history(self, rng: random.Random, steps: int):
		"""Follow-ups and calls inserted, edited (day, hour, method, salesperson, type, status, duration),
		deleted; customers handed over (their follow-ups stay with whoever made them); the set-based writers
		(missed calls, dial results)."""
		from crm_suite.services.call_center import mark_missed_calls
		from crm_suite.services.dialing import _set_call_status
		from crm_suite.services.pool import handovers

		follow_ups, calls = [], []
		for _ in range(steps):
			action = rng.random()
			if action < 0.25 or not follow_ups:
				follow_ups.append(self.follow_up(rng))
			elif action < 0.5 or not calls:
				calls.append(self.call(rng))
			elif action < 0.6:
				doc = frappe.get_doc("Follow Up Record", rng.choice(follow_ups))
				doc.followed_on = self.random_time(rng)
				doc.method = rng.choice(self.methods)
				if rng.random() < 0.5:  # the follow-up itself moves to another salesperson
					doc.salesperson = rng.choice(self.sellers)
					doc.sales_department = frappe.db.get_value(
						"Sales Staff", doc.salesperson, "sales_department"
					)
				doc.save()
			elif action < 0.7:
				doc = frappe.get_doc("Phone Call Record", rng.choice(calls))
				doc.update(
					{
						"call_type": rng.choice(CALL_TYPES),
						"status": rng.choice(STATUSES),
						"duration": rng.randint(0, 400),
						"start_time": self.random_time(rng),
						"user": rng.choice([*self.sellers, None]),
					}
				)
				doc.save(ignore_permissions=True)
			elif action < 0.78:
				frappe.delete_doc("Follow Up Record", follow_ups.pop(rng.randrange(len(follow_ups))))
			elif action < 0.85:
				frappe.delete_doc(
					"Phone Call Record", calls.pop(rng.randrange(len(calls))), ignore_permissions=True
				)
			elif action < 0.9:
				seller = rng.choice(self.sellers)
				other = rng.choice([s for s in self.sellers if s != seller])
				handovers.transfer(rng.choice(self.customers[seller]), other, reason="轮岗")
			elif action < 0.95:
				calls.append(
					self.call(
						rng,
						call_type="Inbound",
						status="Ringing",
						start_time=add_to_date(now_datetime(), hours=-rng.randint(1, 48)),
					)
				)
				mark_missed_calls()
			else:
				_set_call_status(rng.sample(calls, min(2, len(calls))), rng.choice(("Answered", "Failed")))
		return follow_ups, calls

	def assertRollupsAgree(self):
		for rollup in (FOLLOW_UPS, CALLS):
			self.assertEqual(activity_rollup.mismatches(rollup), [], rollup.doctype)
		self.assertEqual(reach_rollup.mismatches(), [], "Follow Up Month Reach")


class TestActivityRollups(ActivityTestCase):
	def test_the_rollups_equal_the_raw_tables_after_a_random_history(self):
		follow_ups, calls = self.random_history(random.Random(5), 160)
		self.assertRollupsAgree()
		# the history was varied: many days, every hour bucket used more than once, moves and missed calls
		days = frappe.db.sql("select count(distinct day) from `tabFollow Up Daily Rollup`")[0][0]
		self.assertGreater(days, 15)
		self.assertGreater(
			frappe.db.count("Call Daily Rollup", {"call_type": "Missed", "status": "Missed"}), 0
		)
		total = frappe.db.sql("select sum(follow_up_count) from `tabFollow Up Daily Rollup`")[0][0]
		self.assertEqual(total, frappe.db.count("Follow Up Record"))
		hours = frappe.db.sql(
			"select {} from `tabFollow Up Daily Rollup`".format(
				" + ".join(f"sum({activity_rollup.hour_column(h)})" for h in activity_rollup.HOURS)
			)
		)[0][0]
		self.assertEqual(hours, total)  # each follow-up in exactly one hour column

	def test_an_edit_moves_the_count_and_a_delete_takes_it_out(self):
		rng = random.Random(3)
		name = self.follow_up(rng)
		doc = frappe.get_doc("Follow Up Record", name)
		old_day, old_salesperson = getdate(doc.followed_on), doc.salesperson
		doc.followed_on = get_datetime(f"{add_days(old_day, -1)} 08:30:00")
		doc.salesperson = next(s for s in self.sellers if s != old_salesperson)
		doc.save()
		row = frappe.db.get_value(
			"Follow Up Daily Rollup",
			{"day": add_days(old_day, -1), "salesperson": doc.salesperson, "method": doc.method},
			["follow_up_count", "hour_08"],
		)
		self.assertEqual(tuple(row), (1, 1))
		self.assertFalse(
			frappe.db.exists("Follow Up Daily Rollup", {"day": old_day, "salesperson": old_salesperson})
		)
		frappe.delete_doc("Follow Up Record", name)
		self.assertFalse(frappe.db.exists("Follow Up Daily Rollup", {"salesperson": doc.salesperson}))
		self.assertRollupsAgree()

	def test_a_rebuild_killed_half_way_and_run_again_converges(self):
		def chunk_done():
			frappe.db.savepoint("rollup_chunk")

		self.random_history(random.Random(11), 80)
		for rollup in (FOLLOW_UPS, CALLS):
			table = f"`tab{rollup.doctype}`"
			# the rollup goes wrong (lost rows, a wrong figure, a stray row), as after a restore of one table
			frappe.db.sql(f"delete from {table} order by day limit 3")
			frappe.db.sql(f"update {table} set {rollup.count} = {rollup.count} + 7 order by day desc limit 2")
			frappe.db.sql(
				f"insert into {table} (name, day, {rollup.count}) values ('stray', %s, 1)",
				(add_days(today(), -50),),
			)
			self.assertNotEqual(activity_rollup.mismatches(rollup), [])

			first = activity_rollup.rebuild_one(rollup, restart=True, stop_after_chunks=2, commit=chunk_done)
			self.assertEqual((first["chunks"], first["done"]), (2, False))
			through = activity_rollup.rebuilt_through(rollup)
			self.assertIsNotNone(through)
			# killed inside the third month: its delete is rolled back with the rest of its transaction
			frappe.db.sql(f"delete from {table} where day > %s", (through,))
			frappe.db.rollback(save_point="rollup_chunk")
			self.assertEqual(activity_rollup.rebuilt_through(rollup), through)
		# follow-ups and calls go on between the kill and the rerun, in rebuilt and not yet rebuilt months
		self.random_history(random.Random(12), 30)
		for rollup in (FOLLOW_UPS, CALLS):
			through = activity_rollup.rebuilt_through(rollup)
			second = activity_rollup.rebuild_one(rollup, commit=chunk_done)
			self.assertTrue(second["done"])
			self.assertIsNone(activity_rollup.rebuilt_through(rollup))
			months = frappe.db.sql(
				f"""select period_diff(date_format(max(day), '%%Y%%m'), date_format(%s, '%%Y%%m'))
				from `tab{rollup.doctype}`""",
				(through,),
			)[0][0]
			self.assertEqual(second["chunks"], months)  # it resumed after the committed months
			self.assertFalse(frappe.db.exists(rollup.doctype, "stray"))
		self.assertRollupsAgree()

	def test_the_month_reach_counts_each_customer_once_and_a_killed_rebuild_converges(self):
		"""RPT-02: a second follow-up of the same customer in the month adds no customer, moving one to another
		month moves the customer only when it was the last, deleting the last takes the customer away; a rebuild
		killed after some months and run again (with follow-ups written in between) agrees with the raw rows."""
		rng = random.Random(7)
		seller = self.team["sales_a"]
		customer = self.customers[seller][0]
		frappe.set_user(seller)
		try:

			def follow_up(when):
				return frappe.get_doc({"doctype": "Follow Up Record", "customer": customer, "method": self.methods[0], "content": "回访", "followed_on": when}).insert()  # fmt: skip

			this_month = get_first_day(today())
			first = follow_up(get_datetime(f"{this_month} 09:00:00"))
			second = follow_up(get_datetime(f"{this_month} 10:00:00"))
		finally:
			frappe.set_user("Administrator")

		def reach(month):
			return frappe.db.get_value(
				reach_rollup.REACH, {"month": month, "salesperson": seller}, "customer_count"
			)

		before = frappe.db.sql(
			"""select count(distinct customer) from `tabFollow Up Record` where salesperson = %s
			and followed_on >= %s and followed_on < %s""",
			(seller, this_month, add_months(this_month, 1)),
		)[0][0]
		self.assertEqual(reach(this_month), before)
		last_month = add_months(this_month, -1)
		had_last_month = reach(last_month) or 0
		already = frappe.db.exists(
			reach_rollup.CUSTOMER_MONTH, {"month": last_month, "salesperson": seller, "customer": customer}
		)
		second.followed_on = get_datetime(f"{add_days(this_month, -1)} 10:00:00")
		second.save(ignore_permissions=True)
		self.assertEqual(reach(this_month), before)  # the first follow-up still counts the customer
		self.assertEqual(reach(last_month), had_last_month + (0 if already else 1))
		frappe.delete_doc("Follow Up Record", first.name, ignore_permissions=True)
		self.assertEqual(reach(this_month) or 0, before - 1)
		self.assertRollupsAgree()

		def chunk_done():
			frappe.db.savepoint("reach_chunk")

		self.random_history(rng, 60)
		frappe.db.sql(f"update `tab{reach_rollup.REACH}` set customer_count = customer_count + 3 limit 2")
		frappe.db.sql(f"delete from `tab{reach_rollup.CUSTOMER_MONTH}` limit 2")
		self.assertNotEqual(reach_rollup.mismatches(), [])
		killed = reach_rollup.rebuild(restart=True, stop_after_chunks=2, commit=chunk_done)
		self.assertEqual((killed["chunks"], killed["done"]), (2, False))
		through = reach_rollup.rebuilt_through()
		frappe.db.sql(f"delete from `tab{reach_rollup.REACH}` where month > %s", (through,))
		frappe.db.rollback(save_point="reach_chunk")  # killed inside the third month
		self.random_history(rng, 20)
		self.assertTrue(reach_rollup.rebuild(commit=chunk_done)["done"])
		self.assertIsNone(reach_rollup.rebuilt_through())
		self.assertRollupsAgree()

	def test_only_admins_queue_a_rebuild(self):
		from crm_suite.api.reports import rebuild_activity_rollups

		for user in (self.team["manager"], self.team["sales_a"]):
			frappe.set_user(user)
			with self.assertRaises(frappe.PermissionError):
				rebuild_activity_rollups()
		frappe.set_user("Administrator")


# the reports as they were computed from the raw tables before the rollups: the reference the rollups must match


def raw_follow_up_statistics(filters) -> dict:
	filters = frappe._dict(filters)
	group_by = filters.group_by
	f = frappe.qb.DocType("Follow Up Record")
	m = frappe.qb.DocType("Follow Up Method")
	keys = {
		"Salesperson": [f.salesperson, f.sales_department],
		"Department": [f.sales_department],
		"Period": [bucket_of(f.followed_on, filters).as_("period")],
		"Hour of Day": [Hour(f.followed_on).as_("hour")],
		"Method": [f.method],
	}[group_by]
	query = (
		frappe.qb.from_(f)
		.left_join(m)
		.on(m.name == f.method)
		.select(
			*keys,
			Count("*").as_("follow_ups"),
			Sum(Case().when(m.is_visit == 1, 1).else_(0)).as_("visits"),
			Count(f.customer).distinct().as_("customers"),
		)
		.where(
			datetime_range(f.followed_on, getdate(filters.from_date), getdate(filters.to_date))
			& f.salesperson.isnotnull()
		)
		.groupby(*keys)
	)
	rows = where_reported(query, f.salesperson, filters).run(as_dict=True)
	key_names = follow_up_statistics.KEYS[group_by]
	return {
		tuple(r[k] for k in key_names): (int(r.follow_ups), int(r.visits), int(r.customers)) for r in rows
	}


def raw_call_statistics(filters) -> dict:
	filters = frappe._dict(filters)
	group_by = filters.group_by
	call = frappe.qb.DocType("Phone Call Record")
	keys = []
	if group_by in ("Day", "Month", "User per Day", "User per Month"):
		keys.append(DateFormat(call.start_time, "%Y-%m-%d" if "Day" in group_by else "%Y-%m").as_("period"))
	if group_by in ("User", "Department", "User per Day", "User per Month"):
		keys.append(call.user)

	def of_type(t):
		return Sum(Case().when(call.call_type == t, 1).else_(0))

	query = (
		frappe.qb.from_(call)
		.select(
			*keys,
			Count("*").as_("total_calls"),
			of_type("Inbound").as_("inbound"),
			of_type("Outbound").as_("outbound"),
			of_type("Missed").as_("missed"),
			Sum(call.is_valid_call).as_("valid_calls"),
			Sum(call.duration).as_("talk_seconds"),
		)
		.where(call.start_time >= getdate(filters.from_date))
		.where(call.start_time < add_days(getdate(filters.to_date), 1))
		.groupby(*keys)
	)
	if filters.get("user"):
		query = query.where(call.user == filters.user)
	members = department_users(filters.get("sales_department"))
	if members is not None:
		query = query.where(call.user.isin(members or [""]))
	rows = where_in_scope(query, call_scope_criterion(frappe.session.user, call)).run(as_dict=True)
	out: dict[tuple, list] = {}
	departments = departments_of(r.user for r in rows) if group_by == "Department" else {}
	for r in rows:
		if group_by == "Department":
			key = (departments.get(r.user) or frappe._("No Department"),)
		else:
			key = tuple(r[k] for k in ("period", "user") if k in r)
		figures = out.setdefault(key, [0] * len(call_statistics.COUNTS))
		for i, k in enumerate(call_statistics.COUNTS):
			figures[i] += int(r[k] or 0)
	return {k: tuple(v) for k, v in out.items()}


class TestReportsReadTheRollups(ActivityTestCase):
	"""Follow Up Statistics (RPT-02), Call Statistics (RPT-07), the performance and funnel reports and the
	cards read the rollups and show what the raw tables show, to every viewer in their scope."""

	def setUp(self):
		super().setUp()
		self.random_history(random.Random(29), 140)
		self.period = {"from_date": add_days(today(), -100), "to_date": today()}

	def viewers(self):
		return (self.team["sales_a"], self.team["manager"], self.team["admin"], "Administrator")

	def test_follow_up_statistics_equal_the_raw_grouping_in_every_scope(self):
		filter_sets = (
			{},
			{"sales_department": "测试二组"},
			{"salesperson": self.team["sales_a"]},
			{"from_date": add_days(today(), -20), "to_date": add_days(today(), -3)},
			# one calendar month (the report's default: this month so far), last month whole and a part of it:
			# the month reach for everyone, and for those with follow-ups outside the part the raw count
			{"from_date": get_first_day(today()), "to_date": today()},
			{
				"from_date": add_months(get_first_day(today()), -1),
				"to_date": add_days(get_first_day(today()), -1),
			},
			{
				"from_date": add_days(add_months(get_first_day(today()), -1), 5),
				"to_date": add_days(add_months(get_first_day(today()), -1), 20),
			},
		)
		for user in self.viewers():
			for group_by in follow_up_statistics.GROUPS:
				for extra in filter_sets:
					filters = {**self.period, "group_by": group_by, "trend": "Week", **extra}
					frappe.set_user(user)
					try:
						expected = raw_follow_up_statistics(filters)
						data = follow_up_statistics.execute(filters)[1]
					finally:
						frappe.set_user("Administrator")
					keys = follow_up_statistics.KEYS[group_by]
					got = {
						tuple(r[k] for k in keys): (r.follow_ups, r.visits, r.customers)
						for r in data
						if r.follow_ups
					}
					with self.subTest(user=user, group_by=group_by, filters=extra):
						self.assertEqual(got, expected)
						if user == self.team["sales_a"] and group_by == "Salesperson":
							self.assertLessEqual({k[0] for k in got}, {self.team["sales_a"]})
		frappe.set_user(self.team["manager"])
		self.assertTrue(raw_follow_up_statistics({**self.period, "group_by": "Method"}))  # not vacuous

	def test_call_statistics_equal_the_raw_grouping_in_every_scope(self):
		for user in self.viewers():
			for group_by in call_statistics.GROUPS:
				for extra in ({}, {"sales_department": "测试一组"}, {"user": self.team["sales_b"]}):
					filters = {**self.period, "group_by": group_by, **extra}
					frappe.set_user(user)
					try:
						expected = raw_call_statistics(filters)
						data = call_statistics.execute(filters)[1]
					finally:
						frappe.set_user("Administrator")
					got = {}
					for r in data:
						key = (
							(r["sales_department"],)
							if group_by == "Department"
							else tuple(r[k] for k in ("period", "user") if k in r)
						)
						got[key] = tuple(r[k] for k in call_statistics.COUNTS)
					with self.subTest(user=user, group_by=group_by, filters=extra):
						self.assertEqual(got, expected)
		frappe.set_user("Administrator")
		self.assertTrue(raw_call_statistics({**self.period, "group_by": "User"}))

	def test_performance_and_funnel_count_the_calls_and_follow_ups_of_the_raw_tables(self):
		from crm_suite.decision_centre.report.conversion_funnel import conversion_funnel
		from crm_suite.decision_centre.report.salesperson_performance import salesperson_performance

		start = add_days(today(), -100)
		for user in self.viewers():
			frappe.set_user(user)
			try:
				performance = {
					r["salesperson"]: (r["calls"], r["follow_ups"])
					for r in salesperson_performance.execute({"from_date": start, "to_date": today()})[1]
				}
				funnel = {
					r["salesperson"]: (r["calls"], r["valid_calls"])
					for r in conversion_funnel.execute({"from_date": start, "to_date": today()})[1]
				}
				expected_calls = {
					k[0]: v
					for k, v in raw_call_statistics(
						{"from_date": start, "to_date": today(), "group_by": "User"}
					).items()
				}
				expected_follow_ups = {
					k[0]: v[0]
					for k, v in raw_follow_up_statistics(
						{"from_date": start, "to_date": today(), "group_by": "Salesperson"}
					).items()
				}
			finally:
				frappe.set_user("Administrator")
			with self.subTest(user=user):
				if (
					user != self.team["sales_a"]
				):  # not vacuous: the team's calls and follow-ups are in the figures
					self.assertTrue(any(calls and follow_ups for calls, follow_ups in performance.values()))
				for seller in self.sellers:
					calls = expected_calls.get(seller, (0,) * 6)
					follow_ups = sum(v for k, v in expected_follow_ups.items() if k == seller)
					if seller in performance:
						self.assertEqual(performance[seller], (calls[0], follow_ups))
					else:
						self.assertEqual((calls[0], follow_ups), (0, 0))
					if seller in funnel:
						self.assertEqual(funnel[seller], (calls[0], calls[4]))

	def test_cards_sum_the_rollup_as_the_raw_rows_count_in_the_viewer_s_scope(self):
		from frappe.desk.doctype.number_card.number_card import get_result

		for user in self.viewers():
			frappe.set_user(user)
			try:
				figures = {}
				for card in ("Follow-ups This Month", "Calls This Month", "Valid Calls This Month"):
					doc = frappe.get_doc("Number Card", card)
					figures[card] = int(get_result(doc, frappe.parse_json(doc.filters_json)) or 0)
				raw = {
					"Follow-ups This Month": len(
						frappe.get_list(
							"Follow Up Record",
							filters={"followed_on": ("timespan", "this month")},
							pluck="name",
							limit_page_length=0,
						)
					),
					"Calls This Month": len(
						frappe.get_list(
							"Phone Call Record",
							filters={"start_time": ("timespan", "this month")},
							pluck="name",
							limit_page_length=0,
						)
					),
					"Valid Calls This Month": len(
						frappe.get_list(
							"Phone Call Record",
							filters={"start_time": ("timespan", "this month"), "is_valid_call": 1},
							pluck="name",
							limit_page_length=0,
						)
					),
				}
			finally:
				frappe.set_user("Administrator")
			with self.subTest(user=user):
				self.assertEqual(figures, raw)
		self.assertGreater(raw["Calls This Month"], 0)
