"""Reminder engine benchmarks (SPEC FUP-04) at `--scale` customers (1M for the issue's figures) with 5 follow-ups
per customer and a visit plan per two customers (5M and 500k at 1M), a contact with a birthday per ten
customers and a payment plan with three instalments per ten customers, over the demo organisation with 300 extra
salespeople.

- reminders_daily_run_seconds: the whole run as the scheduler runs it (services/reminders.run_reminders:
  every kind's INSERT IGNORE … SELECT, each committed, the settle UPDATEs, the delivery stamp, one bell
  Notification Log per user, ToDos for tasks, one digest e-mail per e-mail user), median of `--repeats` runs
  each starting from an empty reminder table. Baseline: a per-document loop doing the same (each customer
  read, its latest follow-up, plans and contacts asked for, each reminder and its notification inserted as a
  document) timed on a sample of customers in the same run and extrapolated linearly to every customer (rolled
  back); the JSON says so (baseline_sample, baseline_extrapolated).
- reminders_rerun_seconds: a second run at once (nothing new: every INSERT IGNORE finds its rows).
- reminders_run_statements / reminders_kind_profile: figures load does not distort — the SQL statements one
  whole run sends (the session's `Questions`), and per kind its INSERT's seconds, rows inserted and rows the
  storage engine read (the session's Handler_read_* counters: index range reads, not a scan, keep this near
  the rows the kind's SELECT returns).
- reminders_run_steps: one run step by step (generate, settle, stamp, counts, team counts, bell rows, ToDos,
  commit, and the digest e-mails the long-queue job composes), each step's seconds, statements, rows read and
  written; `run_without_emails` is the run as the scheduler times it.
- my_day_counts_p95_ms: the My Day number cards (Frappe's own number_card.get_result, as the desk asks, with the
  card's dynamic user filter) as a salesperson, p95 over every card × repeats. Baseline: the same counts
  computed live from the source tables (the engine's per-kind SELECT limited to the user), same user, same run.

The rows are generated once with INSERT … SELECT over MariaDB's sequence tables, chunked by 100k customers, each
chunk committed; a load of 200k customers or more drops the three big tables' secondary indexes first and builds
them once afterwards (reminders_bulk_generate_seconds). Later runs reuse the rows. The 1M figures:

  ~/frappe-bench/env/bin/python tests/bench/run.py --site <site> --only reminders --scale 1000000 --keep
"""

import statistics
import time

from harness import emit, emit_latency, percentile, wait_for_quiet_database

EXTRA_SALESPEOPLE = 300
PREFIX = "RMB-"
POOL = "提醒基准公海"
QUIET_SECONDS = 30  # other work on a shared machine may never let the database go quiet
EMAIL_SHARE = 10  # every tenth salesperson takes the e-mail digest
CARDS = (
	"Next Contact Due",
	"Overdue Plans",
	"Pending Marks",
	"Shelved for Review",
	"Recycling Soon",
	"Birthdays",
	"Overdue Payments",
	"Key Reminders",
	"Plans Today",
	"Calls to Return",
)


def _elt(frappe, values: list[str]) -> str:
	return ", ".join(frappe.db.escape(v) for v in values)


def _seq(frappe, n: int) -> str:
	"""MariaDB's sequence engine table 0 … n-1."""
	return f"seq_0_to_{n - 1}"


def _shape(frappe, scale: int) -> dict:
	from crm_suite.demo.load import make_demo_org
	from crm_suite.services.reminders import ensure_indexes

	org = make_demo_org(extra_salespeople=EXTRA_SALESPEOPLE)
	ensure_indexes()
	if not frappe.db.exists("Customer Pool", POOL):
		frappe.get_doc(
			{
				"doctype": "Customer Pool",
				"pool_name": POOL,
				"pool_type": "Customer",
				"rules": [
					{
						"rule_type": "Not Contacted After Claim",
						"days": 7,
						"warn_days": 2,
					},
					{"rule_type": "No Follow Up", "days": 95, "warn_days": 3},
				],
			}
		).insert(ignore_permissions=True)
	reps = org["salespeople"]
	for i, user in enumerate(reps):
		channel = "Email Digest" if i % EMAIL_SHARE == 0 else "In App"
		if not frappe.db.exists("Reminder Preference", user):
			frappe.get_doc({"doctype": "Reminder Preference", "user": user, "channel": channel}).insert(
				ignore_permissions=True
			)
	frappe.db.commit()
	have = frappe.db.sql("select count(*) from `tabCustomer Account` where name like %s", (PREFIX + "%",))[0][
		0
	]
	_restore_indexes(frappe)  # a generation killed while its tables had no secondary indexes
	if have < scale:
		began = time.perf_counter()
		if scale - have >= BIG_LOAD:
			with _indexes_built_after(frappe, BULK_TABLES):
				_generate(frappe, reps, have, scale)
		else:
			_generate(frappe, reps, have, scale)
		seconds = time.perf_counter() - began
		rows = frappe.db.sql(
			"select (select count(*) from `tabCustomer Account` where name like 'RMB-%%')"
			" + (select count(*) from `tabFollow Up Record` where name like 'RMF-%%')"
			" + (select count(*) from `tabVisit Plan` where name like 'RMP-%%')"
			" + (select count(*) from `tabContact` where name like 'RMC-%%')"
		)[0][0]
		emit(
			"reminders_bulk_generate_seconds",
			seconds,
			"s",
			None,
			scale=scale,
			n=rows,
			customers_added=scale - have,
			rows_per_second=round(rows / seconds, 1),
			indexes_built_after=scale - have >= BIG_LOAD,
		)
		wait_for_quiet_database()
	counts = {
		"customers": frappe.db.sql("select count(*) from `tabCustomer Account` where name like 'RMB-%%'")[0][
			0
		],
		"follow_ups": frappe.db.sql("select count(*) from `tabFollow Up Record` where name like 'RMF-%%'")[0][
			0
		],
		"plans": frappe.db.sql("select count(*) from `tabVisit Plan` where name like 'RMP-%%'")[0][0],
		"contacts": frappe.db.sql("select count(*) from `tabContact` where name like 'RMC-%%'")[0][0],
	}
	_generate_payment_plans(frappe, counts["customers"])
	counts["payment_instalments"] = frappe.db.sql(
		"select count(*) from `tabPayment Plan Instalment` where name like 'RMI-%%'"
	)[0][0]
	return {"org": org, "reps": reps, **counts}


BIG_LOAD = 200_000  # customers added at once from which the secondary indexes are built after the load
BULK_TABLES = ("tabCustomer Account", "tabFollow Up Record", "tabVisit Plan")
DROPPED_INDEXES = "crm_suite_reminder_bench_dropped_indexes"


def _secondary_indexes(frappe, table: str) -> list[str]:
	"""The table's secondary index definitions as SHOW CREATE TABLE writes them (`KEY `x` (`a`,`b`)`)."""
	create = frappe.db.sql(f"show create table `{table}`")[0][1]
	keys = [line.strip().rstrip(",") for line in create.splitlines()]
	return [k for k in keys if k.startswith(("KEY ", "UNIQUE KEY "))]


def _restore_indexes(frappe):
	"""Add back the indexes a generation dropped (kept in a global until they are back)."""
	import json

	saved = frappe.db.get_global(DROPPED_INDEXES)
	if not saved:
		return
	for table, keys in json.loads(saved).items():
		have = set(_secondary_indexes(frappe, table))
		adds = [f"add {k}" for k in keys if k not in have]
		if adds:
			frappe.db.sql_ddl(f"alter table `{table}` {', '.join(adds)}")
	frappe.db.set_global(DROPPED_INDEXES, "")
	frappe.db.commit()


class _indexes_built_after:
	"""Millions of rows inserted into tables whose secondary indexes are kept up row by row are slow once the
	indexes outgrow the buffer pool (each row lands at a random place in each index); dropped before and added
	after the load, each index is built once from sorted rows. The definitions are kept in a global first, so a
	killed generation's indexes are added back by the next one."""

	def __init__(self, frappe, tables):
		self.frappe, self.tables = frappe, tables

	def __enter__(self):
		import json

		frappe = self.frappe
		keys = {t: _secondary_indexes(frappe, t) for t in self.tables}
		frappe.db.set_global(DROPPED_INDEXES, json.dumps(keys))
		frappe.db.commit()
		for table, defs in keys.items():
			drops = [f"drop index `{d.split('`')[1]}`" for d in defs]
			if drops:
				frappe.db.sql_ddl(f"alter table `{table}` {', '.join(drops)}")

	def __exit__(self, *exc):
		began = time.perf_counter()
		_restore_indexes(self.frappe)
		print(
			f"# secondary indexes built in {time.perf_counter() - began:.1f} s",
			flush=True,
		)
		return False


def _generate(frappe, reps: list[str], have: int, scale: int):
	"""Customers have … scale-1 with five follow-ups each (the newest is the customer's last contact; a pool
	customer's are its former owner's), a plan per two and a contact per ten — set-based, chunked by 100k customers, each chunk committed."""
	users = _elt(frappe, reps)
	n_users = len(reps)
	departments = dict(frappe.get_all("Sales Staff", fields=["user", "sales_department"], as_list=True))
	depts = _elt(frappe, [departments.get(u) or "" for u in reps])
	chunk = 100_000
	for start in range(have, scale, chunk):
		size = min(chunk, scale - start)
		seq = _seq(frappe, size)
		n = f"({start} + s.seq)"
		user = f"elt(1 + {n} %% {n_users}, {users})"
		frappe.db.sql(
			f"""insert into `tabCustomer Account` (name, creation, modified, owner, modified_by, docstatus, idx,
				naming_series, customer_name, salesperson, sales_department, customer_pool, lifecycle_state,
				claimed_on, last_contact_on, stars, pending_mark, pending_since, locked, website)
			select concat('{PREFIX}', lpad({n}, 8, '0')), now(), now(), 'Administrator', 'Administrator', 0, 0,
				'CUS-.YYYY.-.#####', concat('提醒基准客户', {n}),
				if({n} %% 10 = 0, null, {user}), if({n} %% 10 = 0, null, elt(1 + {n} %% {n_users}, {depts})),
				%(pool)s,
				case {n} %% 10 when 0 then 'Pool' when 1 then 'Shelved' when 2 then 'Deal' else 'Following' end,
				now() - interval ({n} %% 120) day,
				now() - interval (({n} * 7) %% 90) day - interval 1 hour,
				(1 + {n} %% 5) / 5,
				if({n} %% 50 = 3, elt(1 + {n} %% 3, 'To Check', 'To Mail', 'To Contact'), null),
				if({n} %% 50 = 3, curdate() - interval ({n} %% 5) day, null),
				0, 'https://example.cn'
			from {seq} s""",
			{"pool": POOL},
		)
		# five follow-ups per customer: k = 0 is the newest (the customer's last contact); next contact dates
		# spread over the weeks around today
		frappe.db.sql(
			f"""insert into `tabFollow Up Record` (name, creation, modified, owner, modified_by, docstatus, idx,
				customer, customer_name, method, content, followed_on, next_contact_on, salesperson,
				sales_department)
			select concat('RMF-', lpad({n}, 8, '0'), '-', k.seq), now(), now(), 'Administrator', 'Administrator',
				0, 0, concat('{PREFIX}', lpad({n}, 8, '0')), concat('提醒基准客户', {n}), 'Visit', '电话沟通',
				now() - interval (({n} * 7) %% 90) day - interval 1 hour - interval k.seq day,
				date(now() - interval (({n} * 7) %% 90) day) + interval (({n} + k.seq) %% 100) day,
				{user}, elt(1 + {n} %% {n_users}, {depts})
			from {seq} s join seq_0_to_4 k""",
			{"pool": POOL},
		)
		frappe.db.sql(
			f"""insert into `tabVisit Plan` (name, creation, modified, owner, modified_by, docstatus, idx,
				subject, customer, customer_name, method, status, is_key, planned_date, duration,
				planned_start, planned_end, salesperson, sales_department, overdue_notified)
			select concat('RMP-', lpad({n}, 8, '0')), now(), now(), 'Administrator', 'Administrator', 0, 0,
				'拜访', concat('{PREFIX}', lpad({n}, 8, '0')), concat('提醒基准客户', {n}), 'Visit',
				if({n} %% 7 = 0, 'Done', if(({n} %% 30) < 15, 'Overdue', 'Planned')), {n} %% 9 = 0,
				curdate() - interval (({n} div 2) %% 30) day + interval 14 day, 60,
				curdate() - interval (({n} div 2) %% 30) day + interval 14 day + interval 9 hour,
				curdate() - interval (({n} div 2) %% 30) day + interval 14 day + interval 10 hour,
				{user}, elt(1 + {n} %% {n_users}, {depts}), 0
			from {seq} s where {n} %% 2 = 0""",
			{"pool": POOL},
		)
		frappe.db.sql(
			f"""insert into `tabContact` (name, creation, modified, owner, modified_by, docstatus, idx,
				first_name, full_name, status, crm_birthday)
			select concat('RMC-', lpad({n}, 8, '0')), now(), now(), 'Administrator', 'Administrator', 0, 0,
				concat('联系人', {n}), concat('联系人', {n}), 'Passive',
				makedate(1960 + {n} %% 40, 1) + interval ({n} %% 365) day
			from {seq} s where {n} %% 10 = 5""",
			{"pool": POOL},
		)
		frappe.db.sql(
			f"""insert into `tabDynamic Link` (name, creation, modified, owner, modified_by, docstatus, idx,
				parent, parentfield, parenttype, link_doctype, link_name)
			select concat('RMD-', lpad({n}, 8, '0')), now(), now(), 'Administrator', 'Administrator', 0, 1,
				concat('RMC-', lpad({n}, 8, '0')), 'links', 'Contact', 'Customer Account',
				concat('{PREFIX}', lpad({n}, 8, '0'))
			from {seq} s where {n} %% 10 = 5""",
			{"pool": POOL},
		)
		frappe.db.commit()


def _generate_payment_plans(frappe, scale: int):
	"""(Statements without parameters: a literal % is written once.) A payment plan per ten customers with three instalments 15 days apart around today (the first of every
	third plan paid), for the overdue-payment kind; made once per scale, chunked like the rest."""
	have = frappe.db.sql("select count(*) from `tabPayment Plan` where name like 'RMQ-%%'")[0][0]
	if have >= scale // 10:
		return
	frappe.db.sql("delete from `tabPayment Plan Instalment` where parent like 'RMQ-%%'")
	frappe.db.sql("delete from `tabPayment Plan` where name like 'RMQ-%%'")
	chunk = 100_000
	for start in range(0, scale, chunk):
		seq = _seq(frappe, min(chunk, scale - start))
		n = f"({start} + s.seq)"
		frappe.db.sql(
			f"""insert into `tabPayment Plan` (name, creation, modified, owner, modified_by, docstatus, idx,
				naming_series, customer, customer_name, currency, document_total, planned_total)
			select concat('RMQ-', lpad({n}, 8, '0')), now(), now(), 'Administrator', 'Administrator', 0, 0,
				'PP-.YYYY.-', concat('{PREFIX}', lpad({n}, 8, '0')), concat('提醒基准客户', {n}), 'CNY', 3000, 3000
			from {seq} s where {n} % 10 = 4"""
		)
		frappe.db.sql(
			f"""insert into `tabPayment Plan Instalment` (name, creation, modified, owner, modified_by, docstatus,
				idx, parent, parentfield, parenttype, due_date, amount, paid_amount, status, overdue_notified)
			select concat('RMI-', lpad({n}, 8, '0'), '-', k.seq), now(), now(), 'Administrator', 'Administrator',
				0, 1 + k.seq, concat('RMQ-', lpad({n}, 8, '0')), 'instalments', 'Payment Plan',
				curdate() - interval (({n} div 10) % 40) day + interval (15 * k.seq) day, 1000,
				if(k.seq = 0 and {n} % 3 = 0, 1000, 0),
				case when k.seq = 0 and {n} % 3 = 0 then 'Paid'
					when curdate() - interval (({n} div 10) % 40) day + interval (15 * k.seq) day < curdate() then 'Overdue'
					else 'Unpaid' end, 0
			from {seq} s join seq_0_to_2 k where {n} % 10 = 4"""
		)
		frappe.db.commit()


def _session_status(frappe, like: str) -> int:
	return sum(int(v) for _k, v in frappe.db.sql(f"show session status like '{like}'"))


def _kind_profile(frappe, now) -> dict:
	"""Each kind's INSERT … SELECT alone from an empty reminder table: seconds, rows inserted, engine reads."""
	from crm_suite.services import reminders as engine
	from frappe.utils import getdate

	_clear_run(frappe)
	day = getdate(now)
	settings = engine.reminder_settings()
	settings.since = engine.generated_since(day, settings)
	profile = {}
	for name, field, build in engine.GENERATORS:
		selects = build(day, settings, now)
		if not selects:
			continue
		sql, values = engine.insert_statement(selects, field, settings, now)
		before = _counters(frappe)
		began = time.perf_counter()
		frappe.db.sql(sql, values)
		seconds = time.perf_counter() - began
		rows = frappe.db._cursor.rowcount
		after = _counters(frappe)
		profile[name] = {
			"seconds": round(seconds, 3),
			"rows": rows,
			"rows_read": after["rows_read"] - before["rows_read"],
			"index_entries_checked": after["index_entries_checked"] - before["index_entries_checked"],
		}
		frappe.db.commit()
	_clear_run(frappe)
	return profile


def _counters(frappe) -> dict:
	"""The session's statement count and the storage engine's row reads (index conditions checked in the index
	included) and row writes."""
	status = {
		k: int(v)
		for k, v in frappe.db.sql(
			"show session status where variable_name in ('Questions', 'Handler_icp_attempts')"
			" or variable_name like 'Handler_read%%' or variable_name like 'Handler_write'"
			" or variable_name like 'Handler_update' or variable_name like 'Handler_delete'"
		)
	}
	reads = sum(v for k, v in status.items() if k.startswith("Handler_read"))
	return {
		"statements": status["Questions"],
		"rows_read": reads,
		"index_entries_checked": status.get("Handler_icp_attempts", 0),
		"rows_written": status["Handler_write"] + status["Handler_update"] + status["Handler_delete"],
	}


def _step_profile(frappe, now) -> dict:
	"""The run step by step as run_reminders and deliver go through it, from an empty reminder table after a
	day's run (the hourly reruns' window): seconds, SQL statements, rows read and written per step. The digest
	e-mails (a long-queue job after the run commits) are composed here at once, so they are timed too."""
	from crm_suite.policies import reminders as policy
	from crm_suite.services import reminders as engine
	from frappe.utils import getdate

	_clear_run(frappe)
	day = getdate(now)
	settings = engine.reminder_settings()
	probe = _counters(frappe)
	overhead = _counters(frappe)["statements"] - probe["statements"]  # the probe's own statement
	steps, out = {}, {}

	def step(name, fn):
		before, began = _counters(frappe), time.perf_counter()
		out[name] = fn()
		seconds = time.perf_counter() - began
		after = _counters(frappe)
		steps[name] = {"seconds": round(seconds, 3)} | {
			k: after[k] - before[k] - (overhead if k == "statements" else 0) for k in after
		}
		return out[name]

	step("generate", lambda: engine.generate(day, now, commit=True))
	step("settle", lambda: engine.settle(day, now))
	step("stamp", lambda: engine.stamp_due_reminders(now, settings))
	users = step("stamped_counts", lambda: engine.stamped_counts(now, settings))
	team = step("team_counts", lambda: engine.team_key_counts(engine._managers(list(users))))
	subjects = step("digest_subjects", lambda: engine.digest_subjects(users, team))
	step("notifications", lambda: engine.insert_notifications(subjects, now))
	step("todos", lambda: engine.insert_todos(now, settings))
	step("commit", frappe.db.commit)
	email_users = {u: e for u, e in users.items() if e["channel"] == policy.EMAIL_DIGEST}
	step(
		"digest_emails",
		lambda: engine.send_digest_emails(email_users, {u: subjects[u] for u in email_users}, now),
	)
	frappe.db.commit()
	steps["run_without_emails"] = round(
		sum(v["seconds"] for k, v in steps.items() if k != "digest_emails"), 3
	)
	steps["reminders"] = sum(out["generate"].values())
	steps["stamped"] = out["stamp"]
	steps["notified"] = out["notifications"]
	steps["todos_made"] = out["todos"]
	steps["emails"] = out["digest_emails"]
	steps["managers_counted"] = len(out["team_counts"])
	return steps


def _clear_run(frappe):
	"""Back to before any run (untimed): reminders, their ToDos, bell rows and queued digests."""
	frappe.db.sql(
		"delete t from `tabToDo` t join `tabFollow Up Reminder` r on r.name = t.name",
	)
	frappe.db.sql("delete from `tabFollow Up Reminder`")
	frappe.db.sql("delete from `tabNotification Log` where document_type = 'Follow Up Reminder'")
	frappe.db.sql(
		"delete r from `tabEmail Queue Recipient` r join `tabEmail Queue` q on q.name = r.parent"
		" where q.reference_doctype = 'Reminder Preference'"
	)
	frappe.db.sql("delete from `tabEmail Queue` where reference_doctype = 'Reminder Preference'")
	frappe.db.commit()


def _per_document_sample(frappe, now, sample: int) -> tuple[float, int, int]:
	"""The loop a first version would write: per customer, read it, its latest follow-up, its open plans
	and its contacts, and insert each reminder and its notification as documents. Rolled back."""
	from crm_suite.services.reminders import reminder_settings
	from frappe.utils import add_days, getdate

	settings = reminder_settings()
	day = getdate(now)
	names = frappe.get_all(
		"Customer Account",
		filters={"name": ("like", PREFIX + "%"), "salesperson": ("is", "set")},
		pluck="name",
		order_by="name asc",
		limit=sample,
	)
	made = 0
	began = time.perf_counter()

	def remind(user, kind, subject, due, doctype, name, is_key):
		nonlocal made
		key = {
			"user": user,
			"kind": kind,
			"reference_doctype": doctype,
			"reference_name": name,
			"due_date": due,
		}
		if frappe.db.exists("Follow Up Reminder", key):
			return
		frappe.get_doc(
			{
				"doctype": "Follow Up Reminder",
				"subject": subject,
				"is_key": is_key,
				"status": "Open",
				**key,
			}
		).insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"subject": f"{kind}: {subject}",
				"document_type": doctype,
				"document_name": name,
			}
		).insert(ignore_permissions=True)
		made += 1

	for name in names:
		c = frappe.get_doc("Customer Account", name)
		is_key = int((c.stars or 0) >= settings.key_stars)
		latest = frappe.get_all(
			"Follow Up Record",
			filters={"customer": name},
			fields=["next_contact_on"],
			order_by="followed_on desc",
			limit=1,
		)
		if latest and latest[0].next_contact_on:
			due = getdate(latest[0].next_contact_on)
			if add_days(day, -settings.catch_up_days) <= due <= day:
				remind(
					c.salesperson,
					"Next Contact",
					c.customer_name,
					due,
					"Customer Account",
					name,
					is_key,
				)
		if c.pending_mark:
			remind(
				c.salesperson,
				c.pending_mark,
				c.customer_name,
				c.pending_since,
				"Customer Account",
				name,
				is_key,
			)
		for plan in frappe.get_all(
			"Visit Plan",
			filters={
				"customer": name,
				"status": ("in", ["Planned", "Overdue"]),
				"planned_date": ("<", day),
			},
			fields=["name", "subject", "planned_date", "salesperson", "is_key"],
		):
			remind(
				plan.salesperson,
				"Overdue Plan",
				plan.subject,
				plan.planned_date,
				"Visit Plan",
				plan.name,
				plan.is_key,
			)
		for contact in frappe.get_all(
			"Dynamic Link",
			filters={
				"link_doctype": "Customer Account",
				"link_name": name,
				"parenttype": "Contact",
			},
			pluck="parent",
		):
			birthday = frappe.db.get_value("Contact", contact, "crm_birthday")
			if (
				birthday
				and 0 <= (getdate(birthday).replace(year=day.year) - day).days <= settings.birthday_days
			):
				remind(
					c.salesperson,
					"Birthday",
					contact,
					birthday.replace(year=day.year),
					"Contact",
					contact,
					is_key,
				)
	seconds = time.perf_counter() - began
	frappe.db.rollback()
	return seconds, len(names), made


def _card_samples(frappe, user: str, repeats: int) -> list[float]:
	from frappe.desk.doctype.number_card.number_card import get_result
	from frappe.utils import today

	frappe.set_user(user)
	samples = []
	cards = [frappe.get_doc("Number Card", name) for name in CARDS]
	for i in range(repeats + 1):
		for card in cards:
			filters = frappe.parse_json(card.filters_json)
			for row in frappe.parse_json(card.dynamic_filters_json):
				value = user if row[3] == "frappe.session.user" else today()
				filters.append([row[0], row[1], row[2], value])
			began = time.perf_counter()
			get_result(card, filters)
			if i:  # the first pass warms the caches
				samples.append(time.perf_counter() - began)
	frappe.set_user("Administrator")
	return samples


def _live_samples(frappe, user: str, now, repeats: int) -> list[float]:
	"""Baseline: each kind's count computed from the source tables for one user (the engine's SELECT with
	the user's condition), as My Day would need without the reminder table."""
	from crm_suite.services import reminders as engine
	from frappe.query_builder.functions import Count
	from frappe.utils import getdate
	from pypika.terms import Field

	settings = engine.reminder_settings()
	day = getdate(now)
	samples = []
	for i in range(repeats + 1):
		for _name, _field, build in engine.GENERATORS:
			for select in build(day, settings, now):
				began = time.perf_counter()
				frappe.qb.from_(select.as_("s")).select(Count("*")).where(Field("user") == user).run()
				if i:
					samples.append(time.perf_counter() - began)
	return samples


def run(frappe, scale: int, repeats: int = 3, **_):
	from crm_suite.services.reminders import run_reminders
	from frappe.utils import now_datetime

	shape = _shape(frappe, scale)
	customers = shape["customers"]
	now = now_datetime().replace(hour=9, minute=0, second=0, microsecond=0)
	base = {
		"follow_ups": shape["follow_ups"],
		"plans": shape["plans"],
		"contacts": shape["contacts"],
		"payment_instalments": shape["payment_instalments"],
	}

	# --- the daily run, from an empty reminder table each time
	runs, results = [], []
	for _ in range(max(1, repeats)):
		_clear_run(frappe)
		wait_for_quiet_database(timeout=QUIET_SECONDS)
		began = time.perf_counter()
		result = run_reminders(now=now, commit=True)
		runs.append(time.perf_counter() - began)
		results.append(result)
	result = results[-1]
	questions = _session_status(frappe, "Questions")
	began = time.perf_counter()
	rerun = run_reminders(now=now, commit=True)
	rerun_seconds = time.perf_counter() - began
	rerun_statements = _session_status(frappe, "Questions") - questions - 1
	reminders = frappe.db.count("Follow Up Reminder")
	_clear_run(frappe)
	questions = _session_status(frappe, "Questions")
	run_reminders(now=now, commit=True)
	statements = _session_status(frappe, "Questions") - questions - 1
	emit(
		"reminders_run_statements",
		statements,
		"statements",
		None,
		scale=customers,
		n=1,
		rerun_statements=rerun_statements,
	)
	profile = _kind_profile(frappe, now)
	emit(
		"reminders_kind_profile",
		sum(p["seconds"] for p in profile.values()),
		"s",
		None,
		scale=customers,
		n=1,
		kinds=profile,
	)
	steps = _step_profile(frappe, now)
	emit(
		"reminders_run_steps",
		steps["run_without_emails"],
		"s",
		None,
		scale=customers,
		n=1,
		steps=steps,
	)
	_clear_run(frappe)
	run_reminders(now=now, commit=True)

	# --- baseline: the per-document loop on a sample, extrapolated to every customer
	frappe.db.sql("delete from `tabFollow Up Reminder`")  # the loop makes them anew (rolled back)
	sample = min(customers, max(500, min(2000, customers // 200)))
	loop_seconds, sampled, loop_made = _per_document_sample(frappe, now, sample)
	frappe.db.rollback()
	baseline = loop_seconds / max(1, sampled) * customers
	emit(
		"reminders_daily_run_seconds",
		statistics.median(runs),
		"s",
		baseline,
		scale=customers,
		n=len(runs),
		lower_is_better=True,
		runs=[round(s, 3) for s in runs],
		reminders=reminders,
		generated=result["generated"],
		notified=result["notified"],
		todos=result["todos"],
		emails=result["emails"],
		baseline_name="per-document loop (get_doc per customer, its follow-ups/plans/contacts, each reminder and "
		"notification inserted as a document), timed on a sample and extrapolated linearly, same run",
		baseline_sample=sampled,
		baseline_sample_seconds=round(loop_seconds, 3),
		baseline_sample_reminders=loop_made,
		baseline_extrapolated=True,
		**base,
	)
	emit(
		"reminders_rerun_seconds",
		rerun_seconds,
		"s",
		None,
		scale=customers,
		n=1,
		generated=sum(rerun["generated"].values()),
		notified=rerun["notified"],
	)
	# restore the run's rows for My Day (the loop's were rolled back)
	_clear_run(frappe)
	run_reminders(now=now, commit=True)

	# --- My Day counts as a salesperson
	salesperson = shape["reps"][2]
	n = max(10, repeats * 10)
	cards = _card_samples(frappe, salesperson, n)
	live = _live_samples(frappe, salesperson, now, max(2, n // 5))
	emit_latency(
		"my_day_counts_p95_ms",
		cards,
		live,
		customers,
		"each kind counted live from the source tables for the user (the engine's per-kind SELECT), same run",
		cards=len(CARDS),
		user_reminders=frappe.db.count("Follow Up Reminder", {"user": salesperson}),
		p99_ms=round(percentile(cards, 99) * 1000, 3),
	)
