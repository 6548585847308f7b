"""Scheduled recycling (SPEC POOL-05): rules, category overrides, exemptions, dry run, warnings,
idempotent and resumable runs."""

import time
from datetime import datetime, timedelta
from unittest.mock import patch

import frappe
from frappe import _

from crm_suite.api import pool as pool_api
from crm_suite.pools.report.recycle_preview import recycle_preview
from crm_suite.services import recycle
from crm_suite.services.pool import claims, errors, membership
from crm_suite.services.pool.kinds import CUSTOMER
from crm_suite.services.recycle import batch, notices, rules, run
from crm_suite.tests.test_pool import make_pool
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team

NOW = datetime(2026, 11, 20, 9, 0, 0)


def owned(
	pool_name: str, user: str, claimed_days_ago: int, contact_days_ago: int | None = None, **values
) -> str:
	"""An owned customer with claim/contact dates set as the bench and the real world produce them."""
	name = make_customer(customer_pool=pool_name, **values).name
	claimed = NOW - timedelta(days=claimed_days_ago)
	contact = NOW - timedelta(days=contact_days_ago) if contact_days_ago is not None else None
	t = frappe.qb.DocType("Customer Account")
	(
		frappe.qb.update(t)
		.set(t.salesperson, user)
		.set(t.lifecycle_state, values.get("lifecycle_state") or "Following")
		.set(t.claimed_on, claimed)
		.set(t.last_contact_on, contact)
		.where(t.name == name)
		.run()
	)
	return name


def state(name: str):
	return frappe.db.get_value("Customer Account", name, ["salesperson", "lifecycle_state"])


class TestRecycle(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		self.sales = self.team["sales_a"]
		# only this pool has rules, so other test data never interferes
		frappe.db.delete("Pool Rule")
		self.pool = make_pool(
			rules=[
				{"rule_type": "Not Contacted After Claim", "days": 7, "warn_days": 2},
				{"rule_type": "No Follow Up", "days": 30},
				{"rule_type": "No Deal", "days": 90},
				{"rule_type": "No Follow Up", "days": 60, "customer_category": "Key"},
			]
		)

	def test_each_rule_recycles_exactly_its_overdue_customers(self):
		uncontacted = owned(self.pool, self.sales, 10)
		fresh = owned(self.pool, self.sales, 3)
		stale = owned(self.pool, self.sales, 50, 40)
		recent = owned(self.pool, self.sales, 50, 5)
		no_deal = owned(self.pool, self.sales, 100, 1)
		key_stale = owned(self.pool, self.sales, 50, 40, customer_category="Key")  # its own 60-day rule
		deal = owned(self.pool, self.sales, 100, None, lifecycle_state="Deal")
		shelved = owned(self.pool, self.sales, 100, None, lifecycle_state="Shelved")
		result = recycle.run_recycle(now=NOW, commit=False)
		self.assertEqual(result["recycled"], 3)
		for name in (uncontacted, stale, no_deal):
			self.assertEqual(state(name), (None, "Pool"), name)
		for name in (fresh, recent, key_stale):
			self.assertEqual(state(name), (self.sales, "Following"), name)
		self.assertEqual(state(deal), (self.sales, "Deal"))
		self.assertEqual(state(shelved), (self.sales, "Shelved"))
		log = frappe.get_all(
			"Customer Ownership Log",
			filters={"customer": uncontacted, "action": "Recycle"},
			fields=["from_salesperson", "to_pool", "reason"],
		)
		self.assertEqual(len(log), 1)
		self.assertEqual((log[0].from_salesperson, log[0].to_pool), (self.sales, self.pool))
		self.assertEqual(frappe.db.get_value("Customer Account", uncontacted, "last_released_by"), self.sales)
		self.assertTrue(
			frappe.db.exists(
				"Notification Log", {"for_user": self.sales, "document_type": "Customer Account"}
			)
		)

	def test_locked_and_protected_customers_are_exempt(self):
		locked = owned(self.pool, self.sales, 10)
		protected = owned(self.pool, self.sales, 10)
		frappe.db.set_value("Customer Account", locked, "locked", 1, update_modified=False)
		frappe.db.set_value(
			"Customer Account", protected, "protected_until", NOW + timedelta(days=5), update_modified=False
		)
		recycle.run_recycle(now=NOW, commit=False)
		self.assertEqual(state(locked), (self.sales, "Following"))
		self.assertEqual(state(protected), (self.sales, "Following"))

	def test_dry_run_previews_without_changing_anything(self):
		due = owned(self.pool, self.sales, 10)
		soon = owned(self.pool, self.sales, 6)
		today = {r.name for r in recycle.preview(on_date=NOW)}
		in_two_days = {r.name for r in recycle.preview(on_date=NOW + timedelta(days=2))}
		self.assertIn(due, today)
		self.assertNotIn(soon, today)
		self.assertIn(soon, in_two_days)
		self.assertEqual(state(due), (self.sales, "Following"))
		columns, data, message = recycle_preview.execute({"on_date": str((NOW + timedelta(days=2)).date())})
		self.assertTrue({due, soon} <= {r.name for r in data})
		self.assertEqual(columns[0]["options"], "Customer Account")
		self.assertIn(str(len(data)), message)
		frappe.set_user(self.team["sales_b"])  # row scope: another salesperson sees none of these
		_columns, data, _message = recycle_preview.execute({"on_date": str((NOW + timedelta(days=2)).date())})
		self.assertFalse({due, soon} & {r.name for r in data})

	def test_warning_ahead_once_a_day(self):
		owned(self.pool, self.sales, 6)
		self.assertEqual(recycle.send_warnings(now=NOW), 1)
		self.assertEqual(recycle.send_warnings(now=NOW), 0, "one warning a day")

	def test_rerun_is_idempotent_and_a_half_run_completes_like_a_clean_run(self):
		names = [owned(self.pool, self.sales, 10 + i) for i in range(5)]
		first = recycle.run_recycle(now=NOW, commit=False, batch_size=2, max_batches=1)
		self.assertEqual(first["recycled"], 2)
		rest = recycle.run_recycle(now=NOW, commit=False, batch_size=2)
		self.assertEqual(rest["recycled"], 3)
		again = recycle.run_recycle(now=NOW, commit=False)
		self.assertEqual(again["recycled"], 0)
		for name in names:
			self.assertEqual(state(name), (None, "Pool"))
			self.assertEqual(
				frappe.db.count("Customer Ownership Log", {"customer": name, "action": "Recycle"}), 1
			)

	def test_each_former_owner_hears_once_per_run_and_a_dead_runs_moves_are_caught_up(self):
		sales_b = self.team["sales_b"]
		announced = notices.ANNOUNCED_UNTIL[CUSTOMER.doctype]
		frappe.db.set_single_value("CRM Suite Settings", announced, NOW - timedelta(days=2))
		# a run an hour ago committed a batch of one of sales_a's customers, then died before notifying
		died = owned(self.pool, self.sales, 10)
		earlier = NOW - timedelta(hours=1)
		rule = next(r for r in rules.load_rules(CUSTOMER) if r.rule_type == rules.NOT_CONTACTED)
		home = membership.default_pool(CUSTOMER.pool_type)
		due = rules.due_criterion(CUSTOMER, rule, earlier, home)
		moved = batch.recycle_batch(CUSTOMER, rule, due, home, earlier, 100, False)
		self.assertEqual((moved, state(died)), (1, (None, "Pool")))
		# tonight: sales_a has customers due under all three rules, sales_b under one
		owned(self.pool, self.sales, 10)
		owned(self.pool, self.sales, 50, 40)
		owned(self.pool, self.sales, 100, 1)
		owned(self.pool, sales_b, 10)
		result = recycle.run_recycle(now=NOW, commit=False)
		self.assertEqual((result["recycled"], result["notified"]), (4, 2))

		def heard(user):
			return frappe.get_all(
				"Notification Log",
				filters={"for_user": user, "link": notices.preview_link(NOW)},
				pluck="subject",
			)

		self.assertEqual(len(heard(self.sales)), 1, "one notification per owner per run, not per rule")
		self.assertIn("4", heard(self.sales)[0], "three rows tonight plus the dead run's one")
		self.assertEqual(len(heard(sales_b)), 1)
		self.assertIn("1", heard(sales_b)[0])
		self.assertEqual(frappe.db.get_single_value("CRM Suite Settings", announced, cache=False), NOW)
		# the next run announces nothing twice
		self.assertEqual(recycle.run_recycle(now=NOW + timedelta(minutes=5), commit=False)["notified"], 0)

	def test_one_run_at_a_time_and_only_admins_start_one(self):
		due = owned(self.pool, self.sales, 10)
		other = frappe.db.get_connection()  # another process's run holds the site's lock
		try:
			cursor = other.cursor()
			cursor.execute("select get_lock(%s, 0)", (run.run_lock_name(),))
			self.assertEqual(cursor.fetchone()[0], 1)
			self.assertEqual(recycle.run_all(now=NOW), {"skipped": True})
			self.assertEqual(state(due), (self.sales, "Following"), "the skipped run moved nothing")
		finally:
			other.close()  # the server frees a dead connection's lock, once it has seen the close
		for _attempt in range(50):  # on a loaded machine the server takes a moment to end the connection
			if run.take_run_lock():
				break
			time.sleep(0.1)
		else:
			self.fail("free again once the holder is gone")
		run.release_run_lock()
		frappe.set_user(self.sales)
		with self.assertRaises(frappe.PermissionError):
			pool_api.recycle_now()

	def test_recycle_now_tells_the_admin_when_the_run_fails(self):
		admin = self.team.get("admin") or "Administrator"
		with (
			patch.object(run, "run_all", side_effect=RuntimeError("disk full")),
			patch.object(frappe.db, "commit"),  # stay inside the test's transaction
			patch.object(frappe.db, "rollback"),
			self.assertRaises(RuntimeError),
		):
			run.run_now(admin)
		subjects = frappe.get_all("Notification Log", filters={"for_user": admin}, pluck="subject")
		language = frappe.db.get_value("User", admin, "language") or frappe.db.get_default("lang") or "en"
		self.assertIn(_("Recycling failed; the Error Log has the details.", lang=language), subjects)
		self.assertTrue(frappe.db.exists("Error Log", {"method": "crm_suite: Recycle Now"}))

	def test_recycled_customer_follows_the_cooldown(self):
		frappe.db.set_value(
			"Customer Pool",
			self.pool,
			"strategy",
			frappe.get_doc(
				{"doctype": "Pool Strategy", "strategy_name": "回收冷却", "reclaim_cooldown_days": 30}
			)
			.insert(ignore_permissions=True)
			.name,
		)
		name = owned(self.pool, self.sales, 10)
		recycle.run_recycle(now=NOW, commit=False)
		frappe.set_user(self.sales)
		with self.assertRaises(errors.ReclaimCooldown):
			claims.claim([name])

	def test_a_batch_writes_its_log_rows_in_primary_key_order(self):
		"""Log names are the batch's prefix then a counter, so InnoDB appends them in order."""
		names = [owned(self.pool, self.sales, 10 + i) for i in range(12)]
		recycle.run_recycle(now=NOW, commit=False)
		logs = frappe.get_all(
			"Customer Ownership Log",
			filters={"customer": ["in", names], "action": "Recycle"},
			pluck="name",
			order_by="name",
		)
		self.assertEqual(len(logs), 12)
		self.assertEqual(len({log[:-6] for log in logs}), 1, "one batch, one prefix")
		self.assertEqual([log[-6:] for log in logs], [f"{i:06x}" for i in range(1, 13)])
		self.assertTrue(all(log == log.lower() for log in logs))

	def test_rules_are_spread_over_pools_for_parallel_connections(self):
		given = [rules.Rule(p, r, 7) for p in ("A", "B", "C") for r in ("x", "y")] + [rules.Rule("C", "z", 7)]
		self.assertEqual(
			[(r.pool, r.rule_type) for r in rules.spread(given)],
			[("A", "x"), ("B", "x"), ("C", "x"), ("A", "y"), ("B", "y"), ("C", "y"), ("C", "z")],
		)

	def test_parallel_jobs_come_from_the_settings(self):
		frappe.db.set_single_value("CRM Suite Settings", "recycle_jobs", 0)
		self.assertEqual(run.recycle_jobs(), run.DEFAULT_JOBS)
		frappe.db.set_single_value("CRM Suite Settings", "recycle_jobs", 1)
		self.assertEqual(run.recycle_jobs(), 1)

	def test_ownership_moves_rewrite_only_the_indexes_reads_need(self):
		"""Every index on these columns is rewritten by each claim and each recycled row (POOL-05)."""
		expected = {
			"Customer Account": {
				("salesperson", "modified", "lifecycle_state"),
				("customer_pool", "lifecycle_state", "claimed_on", "last_contact_on"),
				("modified",),
				# the Decision Centre's per-salesperson reports, read from the index alone: new customers of a
				# period (RPT-01, 03, 06), resource warning (POOL-11), stickiness per type (RPT-11)
				(
					"salesperson",
					"creation",
					"lifecycle_state",
					"claimed_on",
					"last_contact_on",
					"sales_department",
					"customer_category",
					"customer_kind",
				),
				# a manager's period of new customers by source and state from the index alone (RPT-01): the
				# customer statistics' default view, 0.3–0.5 s → tens of ms at 1M; moves rewrite it too
				("creation", "salesperson", "lifecycle_state", "customer_source"),
				# a period's deal customers per salesperson from the index alone (RPT-03, 06)
				("deal_on", "salesperson"),
			},
			"Sales Lead": {
				("salesperson", "modified", "lifecycle_state"),
				("customer_pool", "lifecycle_state", "claimed_on", "last_contact_on"),
				("modified",),
				("salesperson", "creation"),  # the conversion funnel's leads per salesperson (RPT-03)
			},
			"Customer Ownership Log": {
				("customer", "done_at"),
				("to_salesperson", "action", "done_at"),
				("sales_lead",),
				("modified",),
			},
		}
		ownership = {
			"salesperson",
			"sales_department",
			"lifecycle_state",
			"customer_pool",
			"modified",
			"done_at",
		}
		for doctype, wanted in expected.items():
			indexes: dict[str, list[str]] = {}
			for row in frappe.db.sql(f"show index from `tab{doctype}`", as_dict=True):
				indexes.setdefault(row.Key_name, []).append(row.Column_name)
			touched = {
				tuple(cols) for key, cols in indexes.items() if key != "PRIMARY" and ownership & set(cols)
			}
			touched |= {tuple(cols) for cols in indexes.values() if cols[0] in ("customer", "sales_lead")}
			self.assertEqual(touched, wanted, doctype)

	def test_a_batch_moves_exactly_the_customers_it_logged(self):
		"""The batch's log rows are the batch: the customers moved are the ones logged, one row each."""
		names = [owned(self.pool, self.sales, 10 + i) for i in range(5)]
		rule = next(r for r in rules.load_rules(CUSTOMER) if r.rule_type == rules.NOT_CONTACTED)
		home = membership.default_pool(CUSTOMER.pool_type)
		due = rules.due_criterion(CUSTOMER, rule, NOW, home)
		self.assertEqual(batch.recycle_batch(CUSTOMER, rule, due, home, NOW, 2, False), 2)
		logged = frappe.get_all(
			"Customer Ownership Log",
			filters={"customer": ["in", names], "action": "Recycle"},
			fields=["customer", "from_salesperson", "to_pool", "reason"],
		)
		moved = {n for n in names if state(n) == (None, "Pool")}
		self.assertEqual({log.customer for log in logged}, moved)
		self.assertEqual(len(logged), 2)
		self.assertTrue(
			all(log.from_salesperson == self.sales and log.to_pool == self.pool for log in logged)
		)
		self.assertEqual(logged[0].reason, rule.reason())

	def test_a_job_whose_run_is_gone_moves_nothing(self):
		"""Jobs help a run only while it holds the site's recycle lock (a killed run's jobs stop)."""
		due = owned(self.pool, self.sales, 10)
		home = membership.default_pool(CUSTOMER.pool_type)
		shared = run.SharedRun.start(CUSTOMER, rules.load_rules(CUSTOMER), home, NOW, 100)
		try:
			holder = shared.meta()["holder"]
			self.assertFalse(run._holds_run_lock(holder), "nobody holds the lock")
			run.help_run(shared.run_id)
			self.assertEqual(state(due), (self.sales, "Following"))
			self.assertEqual(frappe.cache.llen(shared.key("todo")), len(rules.load_rules(CUSTOMER)))
			self.assertTrue(run.take_run_lock())
			self.assertTrue(run._holds_run_lock(holder), "held by this connection, as the run's")
		finally:
			run.release_run_lock()
			shared.close()
		self.assertIsNone(shared.meta(), "closing the run removes its state")
