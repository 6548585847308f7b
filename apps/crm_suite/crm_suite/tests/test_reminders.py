"""The reminder engine (SPEC FUP-04) on a real site: each kind's rows, reruns and killed runs, preferences,
scope, snooze and done, one digest per user in the bell and the e-mail queue."""

from datetime import datetime, timedelta

import frappe
from frappe.utils import add_days, get_datetime, getdate, today

from crm_suite.api import reminders as reminder_api
from crm_suite.services import reminders as engine
from crm_suite.tests.test_pool import make_pool
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team

REMINDER = "Follow Up Reminder"


def at(hour: int, days: int = 0) -> datetime:
	return get_datetime(f"{add_days(today(), days)} {hour:02d}:00:00")


def held(user: str, **values) -> str:
	"""A customer held by `user` (ownership fields written as the pool services write them)."""
	name = make_customer().name
	values = {"salesperson": user, "lifecycle_state": "Following", **values}
	frappe.db.set_value("Customer Account", name, values, update_modified=False)
	return name


def reminders(user: str, kind: str | None = None, **filters) -> list:
	if kind:
		filters["kind"] = kind
	return frappe.get_all(
		REMINDER,
		filters={"user": user, **filters},
		fields=["name", "kind", "is_key", "status", "due_date", "reference_doctype", "reference_name"],
		order_by="kind, due_date",
	)


def digests(user: str) -> list:
	return frappe.get_all(
		"Notification Log",
		filters={"for_user": user, "document_type": REMINDER},
		fields=["name", "subject", "link"],
	)


def log_follow_up(customer: str, **values):
	return frappe.get_doc(
		{
			"doctype": "Follow Up Record",
			"customer": customer,
			"method": "Visit",
			"content": "电话沟通",
			**values,
		}
	).insert()


def set_preference(user: str, **values):
	doc = (
		frappe.get_doc("Reminder Preference", user)
		if frappe.db.exists("Reminder Preference", user)
		else frappe.new_doc("Reminder Preference")
	)
	doc.update({"user": user, **values})
	doc.save(ignore_permissions=True)


class TestReminders(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		self.sales = self.team["sales_a"]
		# other modules' leftovers must not count here
		frappe.db.delete(REMINDER)
		frappe.db.delete("Reminder Preference")
		frappe.db.delete("Pool Rule")
		# no run reached any day yet: each test's run looks back over the whole catch-up window
		frappe.db.delete("DefaultValue", {"parent": "__global", "defkey": engine.GENERATED_THROUGH})
		frappe.db.set_single_value("CRM Suite Settings", "reminder_channel", "In App")
		frappe.db.set_single_value("CRM Suite Settings", "reminders_enabled", 1)

	# --- each kind ---------------------------------------------------------------------------------------

	def test_next_contact_due_reminds_the_owner_until_contacted_again(self):
		customer = held(self.sales, stars=0.8)  # 4 of 5 stars: key
		frappe.set_user(self.sales)
		log_follow_up(customer, followed_on=at(10, -3), next_contact_on=today())
		later = held(self.sales)
		log_follow_up(later, followed_on=at(10, -1), next_contact_on=add_days(today(), 2))  # not due yet
		frappe.set_user("Administrator")
		engine.run_reminders(now=at(9))
		rows = reminders(self.sales, "Next Contact")
		self.assertEqual(
			[(r.reference_name, r.is_key, str(r.due_date)) for r in rows], [(customer, 1, today())]
		)
		frappe.set_user(self.sales)
		log_follow_up(customer, followed_on=at(9, 0) + timedelta(minutes=30))
		frappe.set_user("Administrator")
		engine.run_reminders(now=at(10))
		self.assertEqual(frappe.db.get_value(REMINDER, rows[0].name, "status"), "Done")

	def test_overdue_plan_reminds_the_planner_and_is_a_todo(self):
		customer = held(self.sales)
		frappe.set_user(self.sales)
		plan = frappe.get_doc(
			{
				"doctype": "Visit Plan",
				"customer": customer,
				"subject": "拜访回访",
				"method": "Visit",
				"planned_date": today(),
				"is_key": 1,
			}
		).insert()
		frappe.set_user("Administrator")
		frappe.db.set_value("Visit Plan", plan.name, "planned_date", add_days(today(), -2))
		engine.run_reminders(now=at(9))
		rows = reminders(self.sales, "Overdue Plan")
		self.assertEqual([(r.reference_name, r.is_key) for r in rows], [(plan.name, 1)])
		todo = frappe.db.get_value("ToDo", rows[0].name, ["allocated_to", "reference_name", "status"])
		self.assertEqual(todo, (self.sales, plan.name, "Open"))

	def test_pending_marks_remind_once_per_marking(self):
		mail = held(self.sales)
		doc = frappe.get_doc("Customer Account", mail)
		doc.pending_mark = "To Mail"
		doc.save(ignore_permissions=True)
		self.assertEqual(str(doc.pending_since), today())
		check = held(self.sales, pending_mark="To Check", pending_since=today())
		engine.run_reminders(now=at(9))
		self.assertEqual(
			{(r.kind, r.reference_name) for r in reminders(self.sales)},
			{("To Mail", mail), ("To Check", check)},
		)
		frappe.db.set_value("Customer Account", check, "pending_mark", "")  # cleared: settled
		engine.run_reminders(now=at(10))
		self.assertEqual(reminders(self.sales, "To Check")[0].status, "Done")

	def test_shelved_customers_come_back_for_review(self):
		stale = held(self.sales, lifecycle_state="Shelved", last_contact_on=at(9, -40), claimed_on=at(9, -90))
		recent = held(self.sales, lifecycle_state="Shelved", last_contact_on=at(9, -5), claimed_on=at(9, -90))
		engine.run_reminders(now=at(9))
		rows = reminders(self.sales, "Shelved Review")
		self.assertEqual([r.reference_name for r in rows], [stale])
		self.assertNotIn(recent, [r.reference_name for r in rows])
		self.assertEqual(getdate(rows[0].due_date), getdate(add_days(today(), -10)))

	def test_customers_about_to_be_recycled_by_a_pool_rule(self):
		pool = make_pool(rules=[{"rule_type": "Not Contacted After Claim", "days": 7, "warn_days": 2}])
		soon = held(self.sales, customer_pool=pool, claimed_on=at(8, -6))  # recycled tomorrow
		later = held(self.sales, customer_pool=pool, claimed_on=at(8, -2))
		overdue = held(self.sales, customer_pool=pool, claimed_on=at(8, -9))  # tonight's run takes it
		engine.run_reminders(now=at(9))
		rows = reminders(self.sales, "Recycle Soon")
		self.assertEqual([(r.reference_name, str(r.due_date)) for r in rows], [(soon, add_days(today(), 1))])
		self.assertNotIn(later, [r.reference_name for r in rows])
		self.assertNotIn(overdue, [r.reference_name for r in rows])

	def test_contact_birthdays_in_the_coming_days(self):
		customer = held(self.sales)
		born = getdate(add_days(today(), 2)).replace(year=1985)
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "王芳",
				"crm_birthday": born,
				"links": [{"link_doctype": "Customer Account", "link_name": customer}],
			}
		).insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "李强",
				"crm_birthday": getdate(add_days(today(), 20)).replace(year=1980),
				"links": [{"link_doctype": "Customer Account", "link_name": customer}],
			}
		).insert(ignore_permissions=True)
		engine.run_reminders(now=at(9))
		rows = reminders(self.sales, "Birthday")
		self.assertEqual(
			[(r.reference_name, str(r.due_date)) for r in rows], [(contact.name, add_days(today(), 2))]
		)

	# --- reruns and killed runs --------------------------------------------------------------------------

	def _one_of_each(self):
		customer = held(self.sales, pending_mark="To Contact", pending_since=today())
		frappe.set_user(self.sales)
		log_follow_up(customer, followed_on=at(8, -1), next_contact_on=today())
		frappe.set_user("Administrator")
		held(self.sales, lifecycle_state="Shelved", last_contact_on=at(9, -60), claimed_on=at(9, -90))
		return customer

	def test_a_rerun_inserts_and_sends_nothing_twice(self):
		self._one_of_each()
		engine.run_reminders(now=at(9))
		made = len(reminders(self.sales))
		self.assertEqual(made, 3)
		second = engine.run_reminders(now=at(9) + timedelta(minutes=5))
		self.assertEqual(sum(second["generated"].values()), 0)
		self.assertEqual(len(reminders(self.sales)), made)
		self.assertEqual((second["stamped"], second["notified"]), (0, 0))
		self.assertEqual(len(digests(self.sales)), 1)

	def test_a_killed_run_misses_nothing_and_sends_nothing_twice(self):
		self._one_of_each()
		# the run dies after the first kinds (each committed on its own in production)
		half = [name for name, _field, _build in engine.GENERATORS[:2]]
		engine.generate(getdate(today()), at(9), kinds=half)
		self.assertEqual({r.kind for r in reminders(self.sales)}, {"Next Contact"})
		self.assertEqual(digests(self.sales), [])
		result = engine.run_reminders(now=at(9) + timedelta(minutes=1))
		self.assertEqual(
			{r.kind for r in reminders(self.sales)}, {"Next Contact", "To Contact", "Shelved Review"}
		)
		self.assertEqual(result["generated"]["Next Contact"], 0)  # made by the killed run, not again
		self.assertEqual(
			frappe.db.count(
				REMINDER,
				{"user": self.sales, "delivered_on": engine.get_datetime(at(9)) + timedelta(minutes=1)},
			),
			3,
		)
		self.assertEqual(len(digests(self.sales)), 1)
		engine.run_reminders(now=at(10))
		self.assertEqual(len(digests(self.sales)), 1)

	# --- preferences, scope, delivery --------------------------------------------------------------------

	def test_an_overdue_instalment_reminds_the_customer_s_salesperson_until_paid(self):
		from crm_suite.tests.test_sales_orders import make_product, selling_doc

		customer = held(self.sales, stars=0.8)
		product = make_product(list_price=1000, default_tax_rate=0)
		frappe.set_user(self.sales)
		order = selling_doc("Customer Order", customer, [{"product": product, "qty": 1}])
		order.submit()
		frappe.set_user("Administrator")
		plan = frappe.get_doc(
			{
				"doctype": "Payment Plan",
				"customer_order": order.name,
				"instalments": [
					{"due_date": add_days(today(), -2), "amount": 300},
					{"due_date": add_days(today(), -2), "amount": 200},  # the same day: one reminder
					{"due_date": today(), "amount": 400},  # due today: not overdue yet
					{"due_date": add_days(today(), 10), "amount": 100},
				],
			}
		).insert()
		set_preference(self.team["sales_b"], remind_overdue_payment=0)
		engine.run_reminders(now=at(9))
		rows = reminders(self.sales, "Overdue Payment")
		self.assertEqual(
			[(r.reference_doctype, r.reference_name, r.is_key, str(r.due_date)) for r in rows],
			[("Payment Plan", plan.name, 1, add_days(today(), -2))],
		)
		self.assertTrue(frappe.db.exists("ToDo", rows[0].name))  # a task: chase the money
		engine.run_reminders(now=at(10))  # a rerun adds nothing
		self.assertEqual(len(reminders(self.sales, "Overdue Payment")), 1)

		def pay(instalment, amount):
			frappe.get_doc(
				{
					"doctype": "Customer Payment",
					"customer": customer,
					"customer_order": order.name,
					"payment_plan": plan.name,
					"plan_instalment": instalment,
					"amount": amount,
				}
			).insert().submit()

		pay(plan.instalments[0].name, 300)  # one of the day's two instalments paid: still open
		engine.run_reminders(now=at(11))
		self.assertEqual(frappe.db.get_value(REMINDER, rows[0].name, "status"), "Open")
		pay(plan.instalments[1].name, 200)
		engine.run_reminders(now=at(12))
		self.assertEqual(frappe.db.get_value(REMINDER, rows[0].name, "status"), "Done")

		# the customer moves to a salesperson who switched the kind off: nobody is reminded of the next one
		frappe.db.set_value("Customer Account", customer, "salesperson", self.team["sales_b"])
		engine.run_reminders(now=at(9, 1))
		self.assertEqual(reminders(self.team["sales_b"], "Overdue Payment"), [])
		self.assertEqual(len(reminders(self.sales, "Overdue Payment")), 1)
		# back with its owner, then the order is cancelled: the reminder is done
		frappe.db.set_value("Customer Account", customer, "salesperson", self.sales)
		engine.run_reminders(now=at(10, 1))
		due_today = reminders(self.sales, "Overdue Payment", status="Open")
		self.assertEqual([str(r.due_date) for r in due_today], [today()])
		frappe.get_doc("Customer Order", order.name).cancel()
		engine.run_reminders(now=at(11, 1))
		self.assertEqual(reminders(self.sales, "Overdue Payment", status="Open"), [])

	def test_switched_off_user_gets_none_and_kinds_can_be_switched_off(self):
		set_preference(self.sales, enabled=0)
		set_preference(self.team["sales_b"], remind_pending_marks=0)
		self._one_of_each()
		held(self.team["sales_b"], pending_mark="To Check", pending_since=today())
		held(
			self.team["sales_b"], lifecycle_state="Shelved", last_contact_on=at(9, -60), claimed_on=at(9, -90)
		)
		engine.run_reminders(now=at(9))
		self.assertEqual(reminders(self.sales), [])
		self.assertEqual(digests(self.sales), [])
		self.assertEqual([r.kind for r in reminders(self.team["sales_b"])], ["Shelved Review"])

	def test_digest_waits_for_the_users_hour(self):
		set_preference(self.sales, digest_hour=14)
		self._one_of_each()
		engine.run_reminders(now=at(9))
		self.assertEqual(len(reminders(self.sales)), 3)
		self.assertEqual(digests(self.sales), [])
		engine.run_reminders(now=at(14))
		self.assertEqual(len(digests(self.sales)), 1)

	def test_one_digest_per_user_in_the_bell(self):
		self._one_of_each()
		held(self.sales, pending_mark="To Check", pending_since=today(), stars=1)
		engine.run_reminders(now=at(9))
		notes = digests(self.sales)
		self.assertEqual(len(notes), 1)
		self.assertIn("4", notes[0].subject)
		self.assertEqual(notes[0].link, engine.DIGEST_LINK)
		self.assertEqual(frappe.db.get_value("Notification Settings", self.sales, "seen"), 0)
		self.assertFalse(frappe.db.exists("Email Queue", {"reference_name": self.sales}))

	def test_email_digest_users_get_one_queued_email(self):
		set_preference(self.sales, channel="Email Digest")
		set_preference(self.team["sales_b"], channel="None")
		self._one_of_each()
		held(self.team["sales_b"], pending_mark="To Check", pending_since=today())
		engine.run_reminders(now=at(9))
		queued = frappe.get_all(
			"Email Queue", filters={"reference_doctype": "Reminder Preference", "reference_name": self.sales}
		)
		self.assertEqual(len(queued), 1)
		recipients = frappe.get_all(
			"Email Queue Recipient", filters={"parent": queued[0].name}, pluck="recipient"
		)
		self.assertEqual(recipients, [frappe.db.get_value("User", self.sales, "email")])
		self.assertEqual(len(digests(self.sales)), 1)  # and the bell
		# channel None: reminders in My Day, nothing delivered
		self.assertEqual(len(reminders(self.team["sales_b"])), 1)
		self.assertEqual(digests(self.team["sales_b"]), [])
		self.assertFalse(frappe.db.exists("Email Queue", {"reference_name": self.team["sales_b"]}))

	def test_managers_digest_covers_their_subtree_only(self):
		manager = self.team["manager"]
		held(manager, pending_mark="To Check", pending_since=today())
		held(self.sales, pending_mark="To Mail", pending_since=today(), stars=1)  # key, in the subtree
		held(self.team["outsider"], pending_mark="To Mail", pending_since=today(), stars=1)  # key, outside
		engine.run_reminders(now=at(9))
		subject = digests(manager)[0].subject
		self.assertEqual(engine.team_key_counts([manager]), {manager: 1})
		self.assertTrue(subject.endswith(frappe._("Your team: {0} key reminders open.").format(1)), subject)
		# the list: own and the subtree's for the manager, own only for a salesperson
		frappe.set_user(manager)
		users = set(frappe.get_list(REMINDER, pluck="user"))
		self.assertEqual(users, {manager, self.sales})
		frappe.set_user(self.team["sales_b"])
		self.assertEqual(frappe.get_list(REMINDER, pluck="name"), [])

	# --- snooze and done ---------------------------------------------------------------------------------

	def test_snooze_hides_until_the_day_then_delivers_again(self):
		held(self.sales, pending_mark="To Check", pending_since=today())
		engine.run_reminders(now=at(9))
		name = reminders(self.sales)[0].name
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(engine.ReminderNotYours):
			reminder_api.snooze(name, add_days(today(), 2))
		frappe.set_user(self.sales)
		with self.assertRaises(engine.ReminderInputInvalid):
			reminder_api.snooze(name, today())
		with self.assertRaises(frappe.ValidationError):
			reminder_api.snooze(name, "not a date")
		reminder_api.snooze(name, add_days(today(), 2))
		self.assertEqual(frappe.get_list(REMINDER, filters={"status": "Open"}), [])  # My Day's count
		frappe.set_user("Administrator")
		engine.run_reminders(now=at(9, 1))
		self.assertEqual(frappe.db.get_value(REMINDER, name, "status"), "Snoozed")
		engine.run_reminders(now=at(9, 2))
		self.assertEqual(frappe.db.get_value(REMINDER, name, ["status", "snoozed_until"]), ("Open", None))
		self.assertEqual(len(digests(self.sales)), 2)  # delivered again on its day

	def test_done_closes_the_reminder_and_its_todo(self):
		customer = held(self.sales)
		frappe.set_user(self.sales)
		log_follow_up(customer, followed_on=at(8, -1), next_contact_on=today())
		frappe.set_user("Administrator")
		engine.run_reminders(now=at(9))
		name = reminders(self.sales)[0].name
		self.assertEqual(frappe.db.get_value("ToDo", name, "status"), "Open")
		frappe.set_user(self.team["manager"])  # a manager sees it, but it is not theirs
		with self.assertRaises(frappe.PermissionError):
			reminder_api.mark_done(name)
		frappe.set_user(self.sales)
		self.assertEqual(reminder_api.mark_done(name)["status"], "Done")
		self.assertEqual(frappe.db.get_value("ToDo", name, "status"), "Closed")
		with self.assertRaises(engine.ReminderInputInvalid):
			reminder_api.snooze(name, add_days(today(), 1))

	def test_preference_is_the_users_own(self):
		frappe.set_user(self.sales)
		set_preference(self.sales, channel="Email Digest", digest_hour=7)
		with self.assertRaises(frappe.ValidationError):
			set_preference(self.sales, digest_hour=25)
		with self.assertRaises(frappe.PermissionError):
			set_preference(self.team["sales_b"], enabled=0)

	def test_my_day_cards_count_the_users_open_reminders_with_one_index(self):
		held(self.sales, pending_mark="To Check", pending_since=today())
		held(self.team["sales_b"], pending_mark="To Check", pending_since=today())
		engine.run_reminders(now=at(9))
		from frappe.desk.doctype.number_card.number_card import get_result

		frappe.set_user(self.sales)
		card = frappe.get_doc("Number Card", "Pending Marks")
		filters = frappe.parse_json(card.filters_json) + [[REMINDER, "user", "=", self.sales]]
		self.assertEqual(get_result(card, filters), 1)
		sql = f"""SELECT COUNT(*) FROM `tabFollow Up Reminder` WHERE `user` = {frappe.db.escape(self.sales)}
			AND `status` = 'Open' AND `kind` IN ('To Check', 'To Mail', 'To Contact')"""
		plan = frappe.db.sql(f"EXPLAIN {sql}", as_dict=True)
		self.assertIn("user_status_kind_is_key_index", {row.key for row in plan})

	def test_each_kind_reads_its_index_range_whatever_the_statistics(self):
		# MariaDB's cost model picks a full scan for a small share of a large table (shelved customers, a
		# catch-up run's days of plans and instalments, birthdays past eq_range_index_dive_limit): each of these
		# kinds names its index, so the plan holds on any data
		pool = make_pool(
			rules=[
				{"rule_type": "Not Contacted After Claim", "days": 7, "warn_days": 2},
				{"rule_type": "No Follow Up", "days": 30, "warn_days": 3},
			]
		)
		for i in range(3):
			held(self.sales, customer_pool=pool, lifecycle_state="Shelved", claimed_on=at(9, -40 - i))
		now = at(9)
		settings = engine.reminder_settings()
		settings.since = engine.generated_since(now.date(), settings)
		hinted = {
			"Overdue Plan": ("tabVisit Plan", {engine.PLAN_INDEX}),
			"Shelved Review": ("tabCustomer Account", {engine.POOL_INDEX}),
			"Recycle Soon": ("tabCustomer Account", {engine.POOL_INDEX, engine.PROTECTED_INDEX}),
			"Birthday": ("tabContact", {engine.BIRTHDAY_INDEX}),
			"Overdue Payment": ("tabPayment Plan Instalment", {engine.INSTALMENT_INDEX}),
		}
		seen = set()
		for name, _field, build in engine.GENERATORS:
			if name not in hinted:
				continue
			table, indexes = hinted[name]
			selects = build(now.date(), settings, now)
			self.assertTrue(selects, name)
			for select in selects:
				plan = frappe.db.sql(f"EXPLAIN {select.get_sql(quote_char='`')}", as_dict=True)
				row = next(r for r in plan if r.table == table)  # any join order fits tiny tables
				self.assertIn(row.key, indexes, (name, plan))
				self.assertEqual(row.type, "range", (name, plan))
				seen.add(name)
		self.assertEqual(seen, set(hinted))
