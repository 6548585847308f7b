"""The reminder engine (SPEC FUP-04): one set-based run, from the scheduler every hour.

1. Generate: each kind is one INSERT IGNORE … SELECT into Follow Up Reminder, a row per (user, kind,
   reference, due date). That tuple is the table's unique key (and the row's name is a hash of it), so a rerun
   — after a run killed half-way, or the next hour's — inserts nothing twice, and whatever a killed run did not
   reach is inserted by the next. Users whose preferences switch the kind (or reminders) off, and disabled
   users, get no row. Kinds: next contact due (the customer's latest follow-up asks for contact by today),
   overdue visit plans, the customer's pending mark (to check / to mail / to contact), shelved customers not
   contacted for the review period, customers a pool rule recycles within its warning days, and contacts'
   birthdays in the coming days, and payment instalments past due and not paid. A reminder is key when its
   customer has the key stars (or the plan is key).
2. Settle: open reminders whose cause is gone (plan done, customer contacted, mark cleared, customer no
   longer held, instalment paid or its order / contract cancelled) are done, with UPDATE … JOIN; snoozed
   reminders whose day has come are open again, to be delivered anew.
3. Deliver: for users whose digest hour has come, every open reminder not delivered yet is stamped with the
   run's time in one UPDATE; then, from what carries that stamp: one Notification Log per user (bulk insert;
   Frappe's bell, unread mark and Notification Settings apply), a ToDo per task reminder (INSERT … SELECT),
   and for e-mail users one digest e-mail each through Frappe's Email Queue. Stamp and delivery rows commit
   together, so a killed delivery sends nothing and the next run sends it once.

A manager's digest adds the key reminders open in their department subtree (the ORG-03 scope), nobody
else's.
"""

from datetime import date, datetime

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Concat, Count
from frappe.utils import add_days, get_datetime, getdate, now_datetime
from pypika.terms import Case, Function, Interval, ValueWrapper

from crm_suite.policies import reminders as policy
from crm_suite.services.indexes import add_lasting_index
from crm_suite.services.pool.kinds import CUSTOMER
from crm_suite.services.pool.membership import default_pool
from crm_suite.services.recycle.rules import NO_FOLLOW_UP, due_criterion, load_rules

REMINDER = "Follow Up Reminder"
PREFERENCE = "Reminder Preference"
TABLE = "`tabFollow Up Reminder`"
OPEN, SNOOZED, DONE = "Open", "Snoozed", "Done"
HELD_STATES = ("Pending", "Following", "Deal", "Shelved")  # an owner is reminded of these customers
DIGEST_LINK = "/app/my-day"
EMAIL_LINES = 30  # reminders listed in a digest e-mail; the rest are counted
OLDEST_BIRTHDAY_YEARS = 110
GENERATED_THROUGH = "crm_suite_reminders_generated_through"  # the last day a whole run generated
UNPAID_INSTALMENT_STATES = ("Unpaid", "Partly Paid", "Overdue")


class ReminderNotYours(frappe.PermissionError):
	pass


class ReminderInputInvalid(frappe.ValidationError):
	pass


# --- settings -------------------------------------------------------------------------------------------


def reminder_settings() -> frappe._dict:
	values = frappe.db.get_singles_dict("CRM Suite Settings", cast=True)

	def number(field, default):
		value = values.get(field)
		return default if value is None or value == "" else int(value)

	return frappe._dict(
		enabled=number("reminders_enabled", 1),
		channel=values.get("reminder_channel") or policy.IN_APP,
		digest_hour=number("reminder_digest_hour", 8),
		key_stars=policy.key_stars_fraction(number("key_customer_stars", 4)),
		shelved_days=max(1, number("shelved_review_days", 30)),
		recycle_days=max(0, number("recycle_remind_days", 3)),
		birthday_days=max(0, number("birthday_remind_days", 3)),
		catch_up_days=max(0, number("reminder_catch_up_days", 7)),
	)


# --- 1. generate ----------------------------------------------------------------------------------------


def _customer_table():
	return frappe.qb.DocType("Customer Account")


def _flag(criterion):
	"""A condition as a 0/1 column (pypika drops the alias of a bare comparison)."""
	return Case().when(criterion, 1).else_(0)


def _is_key(c, settings):
	return _flag(c.stars >= settings.key_stars).as_("is_key")


def _customer_reminder(c, kind, due, settings) -> tuple:
	"""The columns of a reminder about a customer, to its salesperson: (user, kind, is_key, subject, due_date,
	customer, reference_doctype, reference_name)."""
	return (
		c.salesperson.as_("user"),
		kind.as_("kind"),
		_is_key(c, settings),
		c.customer_name.as_("subject"),
		due.as_("due_date"),
		c.name.as_("customer"),
		ValueWrapper("Customer Account").as_("reference_doctype"),
		c.name.as_("reference_name"),
	)


def next_contact_select(day: date, settings, since: date | None = None):
	"""Customers whose latest follow-up (none logged after it: its time is the customer's last contact)
	named a next contact date from `since` (the last day a whole run reached, at most the catch-up window
	back) up to today; on the (next_contact_on, customer, followed_on) index."""
	f, c = frappe.qb.DocType("Follow Up Record"), _customer_table()
	return (
		frappe.qb.from_(f)
		.join(c)
		.on(c.name == f.customer)
		.select(*_customer_reminder(c, ValueWrapper(policy.NEXT_CONTACT), f.next_contact_on, settings))
		.where(
			(f.next_contact_on >= (since or add_days(day, -settings.catch_up_days)))
			& (f.next_contact_on <= day)
			& c.salesperson.isnotnull()
			& c.lifecycle_state.isin(HELD_STATES)
			& (c.last_contact_on <= f.followed_on)
		)
	)


def overdue_plan_select(day: date, settings, since: date | None = None):
	"""Open plans of past days from the day before `since` (or the catch-up window), on the
	(status, overdue_notified, planned_date) index."""
	p, c = frappe.qb.DocType("Visit Plan"), _customer_table()
	return (
		frappe.qb.from_(p)
		.force_index(PLAN_INDEX)
		.left_join(c)
		.on(c.name == p.customer)
		.select(
			p.salesperson.as_("user"),
			ValueWrapper(policy.OVERDUE_PLAN).as_("kind"),
			_flag((p.is_key == 1) | (c.stars >= settings.key_stars)).as_("is_key"),
			p.subject.as_("subject"),
			p.planned_date.as_("due_date"),
			p.customer.as_("customer"),
			ValueWrapper("Visit Plan").as_("reference_doctype"),
			p.name.as_("reference_name"),
		)
		.where(
			p.status.isin(("Planned", "Overdue"))
			& p.overdue_notified.isin((0, 1))
			& (p.planned_date >= add_days(since or add_days(day, -settings.catch_up_days + 1), -1))
			& (p.planned_date < day)
			& p.salesperson.isnotnull()
		)
	)


def pending_mark_select(day: date, settings):
	"""Customers marked to check / to mail / to contact, one reminder per marking (due: the day marked)."""
	c = _customer_table()
	return (
		frappe.qb.from_(c)
		.select(*_customer_reminder(c, c.pending_mark, Coalesce(c.pending_since, day), settings))
		.where(
			c.pending_mark.isin(policy.PENDING_MARKS)
			& c.salesperson.isnotnull()
			& c.lifecycle_state.isin(HELD_STATES)
		)
	)


# Index hints where MariaDB's cost model picks a full table scan for a small share of a table (it prices a row
# read through an index above a row read in a scan, and does not count what the index condition filters out):
# shelved customers' (pool, state) ranges are a tenth of the table, a catch-up run's days of plans and
# instalments a sixth to a third; the birthdays' IN list (a date per year of the window's month-days) is past
# eq_range_index_dive_limit, so estimated from statistics that NULL birthdays skew. Each hint names an index
# the app makes; each kind's plan is asserted in tests/test_reminders.py.
POOL_INDEX = (
	"pool_state_claimed_index"  # customers: (customer_pool, lifecycle_state, claimed_on, last_contact_on)
)
PLAN_INDEX = "status_overdue_notified_planned_date_index"  # Visit Plan, on_doctype_update
PROTECTED_INDEX = "protected_until_index"  # customers, on_doctype_update
INSTALMENT_INDEX = "status_due_date_index"  # Payment Plan Instalment, on_doctype_update
BIRTHDAY_INDEX = "crm_birthday_index"  # Contact's custom field, ensure_indexes


def _pooled(c):
	"""Every pool and no pool, so that the pool index's (customer_pool, lifecycle_state, …) ranges serve a
	query by state: one range per pool and the NULL one."""
	pools = frappe.get_all("Customer Pool", filters={"pool_type": CUSTOMER.pool_type}, pluck="name")
	return c.customer_pool.isin(pools or [""]) | c.customer_pool.isnull()


def shelved_select(day: date, settings):
	"""Shelved customers not contacted for the review period; due on the day the period ends, so each
	shelved spell is reminded of once (a contact starts a new period). Reads the (pool, 'Shelved') ranges of
	the pool index, the contact dates checked in the index before a row is read."""
	c = _customer_table()
	cutoff = get_datetime(add_days(day, -settings.shelved_days + 1))
	since = Coalesce(c.last_contact_on, c.claimed_on)
	due = Function("DATE_ADD", Function("DATE", since), Interval(days=settings.shelved_days))
	return (
		frappe.qb.from_(c)
		.force_index(POOL_INDEX)
		.select(*_customer_reminder(c, ValueWrapper(policy.SHELVED_REVIEW), due, settings))
		.where(_pooled(c) & (c.lifecycle_state == "Shelved") & c.salesperson.isnotnull() & (since < cutoff))
	)


def recycle_soon_selects(day: date, settings, now: datetime) -> list:
	"""Per enabled pool rule: customers its criterion recycles within its warning days (or the settings'
	days) but not yet; due on the day it would recycle them. Run as one UNION ALL statement.

	"Recycled by then but not now" as one condition reads every customer of the pool the rule has held long
	enough; it is split into parts that each read a range (a customer in two parts is inserted once):
	claimed within the rule's days before the warning's end (the pool index's claim-date range); claimed
	earlier but protected until within the warning days (the protected_until index: few customers are
	protected); and, for a no-follow-up rule, claimed earlier but last contacted within that range (the pool
	index's last-contact column, checked in the index before any customer row is read)."""
	c = _customer_table()
	home_pool = default_pool(CUSTOMER.pool_type)
	selects = []
	for rule in load_rules(CUSTOMER):
		ahead = rule.warn_days or settings.recycle_days
		if not ahead:
			continue
		then = add_days(now, ahead)
		claimed_cutoff = get_datetime(add_days(now, -rule.days))
		recycled_then_not_now = (
			due_criterion(CUSTOMER, rule, then, home_pool)
			& ~due_criterion(CUSTOMER, rule, now, home_pool)
			& c.salesperson.isnotnull()
		)
		start = c.claimed_on
		if rule.rule_type == NO_FOLLOW_UP:
			start = Function("GREATEST", c.claimed_on, Coalesce(c.last_contact_on, c.claimed_on))
		due = Function("DATE_ADD", Function("DATE", start), Interval(days=rule.days))
		parts = [(POOL_INDEX, c.claimed_on >= claimed_cutoff)]
		if rule.exempt_protected:
			parts.append((PROTECTED_INDEX, (c.claimed_on < claimed_cutoff) & (c.protected_until > now)))
		if rule.rule_type == NO_FOLLOW_UP:
			parts.append(
				(POOL_INDEX, (c.claimed_on < claimed_cutoff) & (c.last_contact_on >= claimed_cutoff))
			)
		for index, part in parts:
			selects.append(
				frappe.qb.from_(c)
				.force_index(index)
				.select(*_customer_reminder(c, ValueWrapper(policy.RECYCLE_SOON), due, settings))
				.where(recycled_then_not_now & part)
			)
	return selects


def birthday_select(day: date, settings):
	"""Contacts of held customers whose birthday falls today or in the coming days: an IN list of dates on
	the (crm_birthday) index, due on this year's birthday."""
	ct, dl, c = frappe.qb.DocType("Contact"), frappe.qb.DocType("Dynamic Link"), _customer_table()
	dates = policy.birthday_dates(day, settings.birthday_days, day.year - OLDEST_BIRTHDAY_YEARS)
	due = Case()  # one WHEN per month-day of the window
	month_days = sorted({(d.month, d.day) for d in dates})
	for month, mday in month_days:
		anniversary = policy.birthday_this_time(date(2000, month, mday), day)
		due = due.when(
			(Function("MONTH", ct.crm_birthday) == month) & (Function("DAYOFMONTH", ct.crm_birthday) == mday),
			anniversary,
		)
	subject = Concat(Coalesce(ct.full_name, ct.first_name, ct.name), " · ", c.customer_name)
	contacts = frappe.qb.from_(ct)
	if frappe.db.has_index("tabContact", BIRTHDAY_INDEX):
		contacts = contacts.force_index(BIRTHDAY_INDEX)
	return (
		contacts.join(dl)
		.on((dl.parent == ct.name) & (dl.parenttype == "Contact") & (dl.link_doctype == "Customer Account"))
		.join(c)
		.on(c.name == dl.link_name)
		.select(
			c.salesperson.as_("user"),
			ValueWrapper(policy.BIRTHDAY).as_("kind"),
			_is_key(c, settings),
			subject.as_("subject"),
			due.as_("due_date"),
			c.name.as_("customer"),
			ValueWrapper("Contact").as_("reference_doctype"),
			ct.name.as_("reference_name"),
		)
		.where(
			ct.crm_birthday.isin(dates or [date(1900, 1, 1)])
			& c.salesperson.isnotnull()
			& c.lifecycle_state.isin(HELD_STATES)
		)
	)


def overdue_payment_select(day: date, settings, since: date | None = None):
	"""Payment Plan instalments not fully paid whose due date passed from the day before `since` (or the
	catch-up window) up to yesterday, to the customer's salesperson, on the instalments' (status, due_date)
	index. Instalments of one plan due the same day are one reminder; a plan of a cancelled order or contract
	reminds nobody."""
	i, p, c = (
		frappe.qb.DocType("Payment Plan Instalment"),
		frappe.qb.DocType("Payment Plan"),
		_customer_table(),
	)
	o, k = frappe.qb.DocType("Customer Order"), frappe.qb.DocType("Sales Contract")
	return (
		frappe.qb.from_(i)
		.force_index(INSTALMENT_INDEX)
		.join(p)
		.on((p.name == i.parent) & (i.parenttype == "Payment Plan"))
		.join(c)
		.on(c.name == p.customer)
		.left_join(o)
		.on(o.name == p.customer_order)
		.left_join(k)
		.on(k.name == p.sales_contract)
		.select(
			c.salesperson.as_("user"),
			ValueWrapper(policy.OVERDUE_PAYMENT).as_("kind"),
			_is_key(c, settings),
			c.customer_name.as_("subject"),
			i.due_date.as_("due_date"),
			c.name.as_("customer"),
			ValueWrapper("Payment Plan").as_("reference_doctype"),
			p.name.as_("reference_name"),
		)
		.where(
			i.status.isin(UNPAID_INSTALMENT_STATES)
			& (i.due_date >= add_days(since or add_days(day, -settings.catch_up_days + 1), -1))
			& (i.due_date < day)
			& (i.paid_amount < i.amount)
			& c.salesperson.isnotnull()
			& (Coalesce(o.docstatus, 1) != 2)
			& (Coalesce(k.docstatus, 1) != 2)
		)
	)


# (name, preference field, builder(day, settings, now) -> [select …]) in the order a run goes through them
GENERATORS = (
	(policy.NEXT_CONTACT, "remind_next_contact", lambda d, s, n: [next_contact_select(d, s, s.since)]),
	(policy.OVERDUE_PLAN, "remind_overdue_plan", lambda d, s, n: [overdue_plan_select(d, s, s.since)]),
	("Pending Marks", "remind_pending_marks", lambda d, s, n: [pending_mark_select(d, s)]),
	(policy.SHELVED_REVIEW, "remind_shelved_review", lambda d, s, n: [shelved_select(d, s)]),
	(policy.RECYCLE_SOON, "remind_recycle_soon", lambda d, s, n: recycle_soon_selects(d, s, n)),
	(policy.BIRTHDAY, "remind_birthday", lambda d, s, n: [birthday_select(d, s)]),
	(
		policy.OVERDUE_PAYMENT,
		"remind_overdue_payment",
		lambda d, s, n: [overdue_payment_select(d, s, s.since)],
	),
)
COLUMNS = ("user", "kind", "is_key", "subject", "due_date", "customer", "reference_doctype", "reference_name")


def insert_statement(selects: list, preference_field: str, settings, now: datetime) -> tuple[str, dict]:
	"""The one INSERT IGNORE … SELECT of a kind: its rows (a UNION ALL of `selects`) for enabled users whose
	preferences (or, without a Reminder Preference, the settings) want the kind. STRAIGHT_JOIN keeps the kind's
	own tables first, in the order its SELECT names them (each starts from its index range: next contact dates,
	plan days, birthdays), and the users and preferences are looked up per row after: left to itself MariaDB
	starts from the few users and walks every customer of each."""
	source = " UNION ALL ".join(f"({q.get_sql(quote_char='`')})" for q in selects)
	columns = ", ".join(f"`{c}`" for c in COLUMNS)
	sql = f"""
		INSERT IGNORE INTO {TABLE}
			(`name`, `creation`, `modified`, `owner`, `modified_by`, `docstatus`, `idx`, `status`, {columns})
		SELECT STRAIGHT_JOIN LEFT(SHA1(CONCAT_WS('|', s.`user`, s.`kind`, s.`reference_doctype`, s.`reference_name`,
				s.`due_date`)), 20),
			%(now)s, %(now)s, 'Administrator', 'Administrator', 0, 0, 'Open',
			{", ".join(f"s.`{c}`" for c in COLUMNS)}
		FROM ({source}) s
		JOIN `tabUser` u ON u.`name` = s.`user` AND u.`enabled` = 1
		LEFT JOIN `tabReminder Preference` rp ON rp.`user` = s.`user`
		WHERE s.`due_date` IS NOT NULL
			AND COALESCE(rp.`enabled`, %(enabled)s) = 1
			AND COALESCE(rp.`{preference_field}`, 1) = 1
			AND (COALESCE(rp.`key_only`, 0) = 0 OR s.`is_key` = 1)
	"""
	return sql, {"now": now, "enabled": settings.enabled}


def generate(day: date | None = None, now: datetime | None = None, kinds=None, commit: bool = False) -> dict:
	"""Step 1 for the kinds named (GENERATORS' names; all by default). Returns {kind: rows inserted}."""
	now = get_datetime(now) if now else now_datetime()
	day = getdate(day or now)
	settings = reminder_settings()
	settings.since = generated_since(day, settings)
	made = {}
	for name, field, build in GENERATORS:
		if kinds is not None and name not in kinds:
			continue
		selects = build(day, settings, now)
		if not selects:
			made[name] = 0
			continue
		sql, values = insert_statement(selects, field, settings, now)
		frappe.db.sql(sql, values)
		made[name] = frappe.db._cursor.rowcount if getattr(frappe.db, "_cursor", None) else 0
		if commit:
			frappe.db.commit()
	if kinds is None:  # every kind reached this day: the next run starts here
		frappe.db.set_global(GENERATED_THROUGH, str(day))
		if commit:
			frappe.db.commit()
	return made


def generated_since(day: date, settings) -> date:
	"""The first day whose dated kinds (next contact, plans) a run looks at: the last day a whole run reached
	(today again, for the hourly reruns), after missed or killed runs further back, at most the catch-up
	window."""
	floor = getdate(add_days(day, -settings.catch_up_days))
	through = frappe.db.get_value(  # read from the table: the defaults cache outlives a rolled-back run
		"DefaultValue", {"parent": "__global", "defkey": GENERATED_THROUGH}, "defvalue"
	)
	if not through:
		return floor
	return min(day, max(floor, getdate(through)))


# --- 2. settle ------------------------------------------------------------------------------------------

_SETTLE = (
	# a plan no longer open
	"""UPDATE {t} r FORCE INDEX ({open_index}) JOIN `tabVisit Plan` p ON p.`name` = r.`reference_name`
		SET r.`status` = 'Done', r.`done_on` = %(now)s, r.`modified` = %(now)s
		WHERE r.`kind` = 'Overdue Plan' AND r.`status` IN ('Open', 'Snoozed')
			AND p.`status` NOT IN ('Planned', 'Overdue')""",
	# contacted on or after the due day, or no longer held by the reminded user
	"""UPDATE {t} r FORCE INDEX ({open_index}) JOIN `tabCustomer Account` c ON c.`name` = r.`customer`
		SET r.`status` = 'Done', r.`done_on` = %(now)s, r.`modified` = %(now)s
		WHERE r.`kind` IN ('Next Contact', 'Shelved Review', 'Recycle Soon')
			AND r.`status` IN ('Open', 'Snoozed')
			AND (c.`last_contact_on` >= r.`due_date` OR NOT (c.`salesperson` <=> r.`user`)
				OR (r.`kind` = 'Shelved Review' AND c.`lifecycle_state` != 'Shelved'))""",
	# the instalments of that day paid, the plan gone or its order / contract cancelled, or the customer moved
	"""UPDATE {t} r FORCE INDEX ({open_index})
		LEFT JOIN `tabPayment Plan` p ON p.`name` = r.`reference_name`
		LEFT JOIN `tabCustomer Account` c ON c.`name` = r.`customer`
		LEFT JOIN `tabCustomer Order` o ON o.`name` = p.`customer_order`
		LEFT JOIN `tabSales Contract` k ON k.`name` = p.`sales_contract`
		SET r.`status` = 'Done', r.`done_on` = %(now)s, r.`modified` = %(now)s
		WHERE r.`kind` = 'Overdue Payment' AND r.`status` IN ('Open', 'Snoozed')
			AND (p.`name` IS NULL OR o.`docstatus` = 2 OR k.`docstatus` = 2 OR NOT (c.`salesperson` <=> r.`user`)
				OR NOT EXISTS (SELECT 1 FROM `tabPayment Plan Instalment` i WHERE i.`parent` = p.`name`
					AND i.`parenttype` = 'Payment Plan' AND i.`due_date` = r.`due_date` AND i.`paid_amount` < i.`amount`))""",
	# the pending mark cleared or changed
	"""UPDATE {t} r FORCE INDEX ({open_index}) JOIN `tabCustomer Account` c ON c.`name` = r.`customer`
		SET r.`status` = 'Done', r.`done_on` = %(now)s, r.`modified` = %(now)s
		WHERE r.`kind` IN ('To Check', 'To Mail', 'To Contact') AND r.`status` IN ('Open', 'Snoozed')
			AND NOT (c.`pending_mark` <=> r.`kind` AND c.`salesperson` <=> r.`user`)""",
)


# (status, kind, snoozed_until): each statement reads the open and snoozed reminders of its kinds, not the done
# ones every past run left (MariaDB scans the table while they are few)
OPEN_INDEX = "status_kind_snoozed_until_index"


def settle(day: date, now: datetime) -> None:
	for sql in _SETTLE:
		frappe.db.sql(sql.format(t=TABLE, open_index=OPEN_INDEX), {"now": now})
	# snoozes that ran out: open again, delivered anew
	frappe.db.sql(
		f"""UPDATE {TABLE} SET `status` = 'Open', `snoozed_until` = NULL, `delivered_on` = NULL,
			`modified` = %(now)s
		WHERE `status` = 'Snoozed' AND `snoozed_until` <= %(day)s""",
		{"now": now, "day": day},
	)


# --- 3. deliver -----------------------------------------------------------------------------------------


def stamp_due_reminders(now: datetime, settings) -> int:
	"""Stamp every open, undelivered reminder of users whose digest hour has come with the run's time."""
	frappe.db.sql(
		f"""UPDATE {TABLE} r
		LEFT JOIN `tabReminder Preference` rp ON rp.`user` = r.`user`
		SET r.`delivered_on` = %(now)s
		WHERE r.`delivered_on` IS NULL AND r.`status` = 'Open'
			AND COALESCE(rp.`digest_hour`, %(hour)s) <= %(now_hour)s
			AND COALESCE(rp.`enabled`, %(enabled)s) = 1""",
		{"now": now, "hour": settings.digest_hour, "now_hour": now.hour, "enabled": settings.enabled},
	)
	return frappe.db._cursor.rowcount if getattr(frappe.db, "_cursor", None) else 0


def stamped_counts(now: datetime, settings) -> dict[str, dict]:
	"""{user: {"channel", "language", "email", "counts": [KindCount]}} of what the run stamped, for users
	whose channel delivers."""
	rows = frappe.db.sql(
		f"""SELECT r.`user`, r.`kind`, COUNT(*) AS n, SUM(r.`is_key`) AS k,
			COALESCE(rp.`channel`, %(channel)s) AS channel, u.`language`, u.`email`
		FROM {TABLE} r
		JOIN `tabUser` u ON u.`name` = r.`user`
		LEFT JOIN `tabReminder Preference` rp ON rp.`user` = r.`user`
		WHERE r.`delivered_on` = %(now)s AND r.`status` = 'Open'
		GROUP BY r.`user`, r.`kind`""",
		{"now": now, "channel": settings.channel},
		as_dict=True,
	)
	users: dict[str, dict] = {}
	for row in rows:
		if row.channel == policy.NO_DELIVERY:
			continue
		entry = users.setdefault(
			row.user, {"channel": row.channel, "language": row.language, "email": row.email, "counts": []}
		)
		entry["counts"].append(policy.KindCount(row.kind, int(row.n), int(row.k or 0)))
	return users


def team_key_counts(managers: list[str]) -> dict[str, int]:
	"""{manager: open key reminders of the other users in their department subtree} — the scope of
	permissions/scope.visible_users (cached per user). One grouped count over every manager's team, read from
	the (user, status, kind, is_key) index alone, summed per manager here: one statement however many
	managers, and no reminder row read."""
	from crm_suite.permissions.scope import visible_users

	teams = {m: [u for u in (visible_users(m) or []) if u != m] for m in managers}
	members = sorted({u for team in teams.values() for u in team})
	if not members:
		return {}
	r = frappe.qb.DocType(REMINDER)
	open_key = dict(
		frappe.qb.from_(r)
		.select(r.user, Count("*"))
		.where(r.user.isin(members) & (r.status == OPEN) & (r.is_key == 1))
		.groupby(r.user)
		.run()
	)
	counts = {m: sum(int(open_key.get(u, 0)) for u in team) for m, team in teams.items()}
	return {m: n for m, n in counts.items() if n}


def _managers(users: list[str]) -> list[str]:
	if not users:
		return []
	return frappe.get_all(
		"Sales Staff",
		filters={"user": ("in", users), "enabled": 1, "manages_subordinates": 1},
		pluck="user",
	)


def deliver(now: datetime, settings=None) -> dict:
	"""Step 3: stamp, then one bell notice per user, ToDos for tasks, one e-mail per e-mail user."""
	settings = settings or reminder_settings()
	stamped = stamp_due_reminders(now, settings)
	users = stamped_counts(now, settings) if stamped else {}
	team = team_key_counts(_managers(list(users)))
	subjects = digest_subjects(users, team)
	notices = insert_notifications(subjects, now)
	todos = insert_todos(now, settings)
	email_users = {u: e for u, e in users.items() if e["channel"] == policy.EMAIL_DIGEST}
	if email_users:
		# rendering an e-mail (Frappe inlines its CSS) takes a good part of a second: the digests are
		# composed by one job on the long queue once this run's stamp is committed, from the stamped rows
		frappe.enqueue(
			send_digest_emails,
			queue="long",
			job_id=f"crm_suite_reminder_digests_{now:%Y%m%d%H%M%S}",
			deduplicate=True,
			enqueue_after_commit=True,
			now=bool(frappe.flags.in_test),
			users=email_users,
			subjects={u: subjects[u] for u in email_users},
			now_time=now,
		)
	emails = len(email_users)

	return {"stamped": stamped, "notified": notices, "todos": todos, "emails": emails}


def digest_subjects(users: dict[str, dict], team: dict[str, int]) -> dict[str, str]:
	"""{user: the digest's one line in the user's language} (policies/reminders.digest_subject)."""
	default_language = frappe.db.get_default("lang") or "en"
	subjects = {}
	for user, entry in users.items():
		lang = entry["language"] or default_language
		subjects[user] = policy.digest_subject(
			entry["counts"], lambda s, lang=lang: _(s, lang=lang), team.get(user, 0)
		)
	return subjects


def insert_notifications(subjects: dict[str, str], now: datetime) -> int:
	"""One Notification Log per user, bulk inserted; users who switched Frappe's notifications off are
	skipped, the others' bells marked unseen and refreshed after commit (what Notification Log's after_insert
	does for one row)."""
	if not subjects:
		return 0
	switched_off = set(
		frappe.get_all(
			"Notification Settings", filters={"name": ("in", list(subjects)), "enabled": 0}, pluck="name"
		)
	)
	users = [u for u in sorted(subjects) if u not in switched_off and subjects[u]]
	if not users:
		return 0
	fields = [
		"name",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"subject",
		"for_user",
		"type",
		"document_type",
		"link",
		"from_user",
		"read",
	]
	values = [
		(
			frappe.generate_hash(length=10),
			now,
			now,
			"Administrator",
			"Administrator",
			subjects[u],
			u,
			"Alert",
			REMINDER,
			DIGEST_LINK,
			"Administrator",
			0,
		)
		for u in users
	]
	frappe.db.bulk_insert("Notification Log", fields, values)
	ns = frappe.qb.DocType("Notification Settings")
	frappe.qb.update(ns).set(ns.seen, 0).where(ns.name.isin(users)).run()
	for user in users:
		frappe.publish_realtime("notification", user=user, after_commit=True)
	return len(users)


def insert_todos(now: datetime, settings) -> int:
	"""A ToDo per task reminder stamped by this run, for users whose channel delivers, named as the reminder
	(so marking the reminder done closes it)."""
	frappe.db.sql(
		f"""INSERT IGNORE INTO `tabToDo`
			(`name`, `creation`, `modified`, `owner`, `modified_by`, `docstatus`, `idx`, `status`, `priority`,
			`date`, `allocated_to`, `description`, `reference_type`, `reference_name`, `assigned_by`)
		SELECT r.`name`, %(now)s, %(now)s, 'Administrator', 'Administrator', 0, 0, 'Open',
			IF(r.`is_key` = 1, 'High', 'Medium'), r.`due_date`, r.`user`, r.`subject`, r.`reference_doctype`,
			r.`reference_name`, 'Administrator'
		FROM {TABLE} r
		LEFT JOIN `tabReminder Preference` rp ON rp.`user` = r.`user`
		WHERE r.`delivered_on` = %(now)s AND r.`status` = 'Open' AND r.`kind` IN %(kinds)s
			AND COALESCE(rp.`channel`, %(channel)s) != %(none)s""",
		{"now": now, "kinds": policy.TASK_KINDS, "channel": settings.channel, "none": policy.NO_DELIVERY},
	)
	return frappe.db._cursor.rowcount if getattr(frappe.db, "_cursor", None) else 0


def send_digest_emails(users: dict[str, dict], subjects: dict[str, str], now_time: datetime) -> int:
	"""One e-mail per user, queued in Frappe's Email Queue (sent by its own scheduler job): the digest line
	and the first reminders stamped by this run, key ones first."""
	users = {u: e for u, e in users.items() if e.get("email") and subjects.get(u)}
	if not users:
		return 0
	can_queue, sender = _digest_sender()
	if not can_queue:
		return 0
	rows = frappe.db.sql(
		f"""SELECT `user`, `kind`, `subject`, `due_date`, `is_key`, `reference_doctype`, `reference_name`
		FROM (
			SELECT r.*, ROW_NUMBER() OVER (PARTITION BY r.`user` ORDER BY r.`is_key` DESC, r.`due_date`) AS n
			FROM {TABLE} r WHERE r.`delivered_on` = %(now)s AND r.`status` = 'Open' AND r.`user` IN %(users)s
		) ranked WHERE n <= %(lines)s ORDER BY `user`, n""",
		{"now": now_time, "users": tuple(users), "lines": EMAIL_LINES},
		as_dict=True,
	)
	lines: dict[str, list] = {}
	for row in rows:
		lines.setdefault(row.user, []).append(row)
	site = frappe.utils.get_url()
	sent = 0
	for user, entry in users.items():
		lang = entry["language"] or frappe.db.get_default("lang") or "en"
		items = "".join(
			"<li>{key}{kind}: <a href='{site}/app/{route}/{ref}'>{subject}</a> ({due})</li>".format(
				key="★ " if r.is_key else "",
				kind=frappe.utils.escape_html(_(r.kind, lang=lang)),
				site=site,
				route=frappe.scrub(r.reference_doctype).replace("_", "-"),
				ref=frappe.utils.escape_html(r.reference_name),
				subject=frappe.utils.escape_html(r.subject or r.reference_name),
				due=frappe.utils.formatdate(r.due_date),
			)
			for r in lines.get(user, [])
		)
		message = "<p>{}</p><ul>{}</ul><p><a href='{}{}'>{}</a></p>".format(
			frappe.utils.escape_html(subjects[user]), items, site, DIGEST_LINK, _("Open My Day", lang=lang)
		)
		frappe.sendmail(
			recipients=[entry["email"]],
			subject=_("Your reminders", lang=lang) + " · " + frappe.utils.formatdate(getdate(now_time)),
			message=message,
			reference_doctype=PREFERENCE,
			reference_name=user,
			sender=sender,
			delayed=True,
		)
		sent += 1
	return sent


def _digest_sender() -> tuple[bool, str | None]:
	"""(can queue, sender): Frappe's default outgoing account when there is one (sender None lets Frappe take
	it); a site without one queues nothing (Frappe would refuse every e-mail): the bell still carries the
	digest. An account without an address (muted e-mail, tests) sends as the site's notification address."""
	from frappe.email.doctype.email_account.email_account import EmailAccount

	account = EmailAccount.find_default_outgoing()
	if not account:
		return False, None
	if account.get("email_id"):
		return True, None
	return True, frappe.conf.get("auto_email_id") or f"notifications@{frappe.local.site}"


# --- the run --------------------------------------------------------------------------------------------


def run_reminders(now: datetime | None = None, kinds=None, commit: bool = False) -> dict:
	"""The whole run: generate (a commit per kind when `commit`), settle, deliver (one transaction)."""
	now = get_datetime(now) if now else now_datetime()
	now = now.replace(microsecond=0)
	day = getdate(now)
	settings = reminder_settings()
	made = generate(day, now, kinds=kinds, commit=commit)
	settle(day, now)
	delivered = deliver(now, settings)
	if commit:
		frappe.db.commit()
	return {"generated": made, **delivered}


# --- actions on one reminder ----------------------------------------------------------------------------


def _own_reminder(name: str) -> frappe._dict:
	row = frappe.db.get_value(REMINDER, name, ["name", "user", "status"], as_dict=True, for_update=True)
	if not row:
		frappe.throw(_("Reminder {0} not found.").format(name), frappe.DoesNotExistError)
	if row.user != frappe.session.user:
		frappe.throw(
			_("Only the user reminded may snooze a reminder or mark it done."),
			ReminderNotYours,
			title=_("Not Permitted"),
		)
	return row


def snooze(name: str, until) -> dict:
	"""Hide the reminder until a later day; it opens again (and is delivered again) on that day."""
	row = _own_reminder(name)
	day = getdate(until) if until else None
	if not day or day <= getdate():
		frappe.throw(_("Snooze until a day after today."), ReminderInputInvalid, title=_("Invalid Input"))
	if row.status == DONE:
		frappe.throw(
			_("Reminder {0} is done already.").format(name), ReminderInputInvalid, title=_("Invalid Input")
		)
	r = frappe.qb.DocType(REMINDER)
	frappe.qb.update(r).set(r.status, SNOOZED).set(r.snoozed_until, day).set(
		r.modified, now_datetime()
	).where(r.name == name).run()
	return {"name": name, "status": SNOOZED, "snoozed_until": str(day)}


def mark_done(name: str) -> dict:
	row = _own_reminder(name)
	if row.status != DONE:
		now = now_datetime()
		r = frappe.qb.DocType(REMINDER)
		frappe.qb.update(r).set(r.status, DONE).set(r.done_on, now).set(r.modified, now).where(
			r.name == name
		).run()
		todo = frappe.qb.DocType("ToDo")
		frappe.qb.update(todo).set(todo.status, "Closed").set(todo.modified, now).where(
			(todo.name == name) & (todo.status == "Open")
		).run()
	return {"name": name, "status": DONE}


def ensure_indexes() -> None:
	"""Indexes the engine reads on tables other modules own, made on every migrate: a doctype's
	on_doctype_update runs only when its JSON changed (Contact's birthday column is a custom field)."""
	from crm_suite.follow_up.doctype.follow_up_record.follow_up_record import NEXT_CONTACT_INDEX

	frappe.db.add_index("Follow Up Record", NEXT_CONTACT_INDEX)
	if frappe.db.has_column("Contact", "crm_birthday"):
		add_lasting_index("Contact", "crm_birthday")
