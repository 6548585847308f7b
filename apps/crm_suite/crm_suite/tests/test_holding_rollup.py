"""Customers held per salesperson × category × kind (SPEC RPT-11; services/holding_rollup.py): equal to the GROUP
BY over the customers after a random history of every writer — new customers one by one and in bulk, edits of
category and kind, claims, abandons, transfers, invalid marks, deals, deletes and recycling — and mended by a
rebuild; the follow-ups' month bookkeeping keeps each customer's type as it changes. The holding also counts
each customer's department, state and whether it was contacted since claimed (Resource Warning, POOL-11):
follow-ups and shelving are among the writers."""

import random
from datetime import timedelta

import frappe
from frappe.utils import now_datetime, today

from crm_suite.demo.generator import customer_rows
from crm_suite.demo.load import bulk_insert_customers
from crm_suite.services import holding_rollup, reach_rollup, recycle
from crm_suite.services.pool import claims, handovers, marks
from crm_suite.services.sales.stages import mark_customer_deal
from crm_suite.tests.test_pool import make_pool
from crm_suite.tests.utils import CRMTestCase, make_customer, make_department, make_sales_team, set_counted


class TestCustomerHolding(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.addCleanup(frappe.db.rollback)
		self.team = make_sales_team()
		# other tests commit customers written behind the table's back (raw deletes in their cleanup): start
		# from the table as a rebuild makes it, inside this test's transaction
		holding_rollup.rebuild(commit=lambda: None)
		self.sellers = [self.team["sales_a"], self.team["sales_b"], self.team["outsider"]]
		frappe.db.delete("Pool Rule")  # only this pool recycles, so other test data never interferes
		self.pool = make_pool(rules=[{"rule_type": "Not Contacted After Claim", "days": 7}])
		self.categories = [None, *frappe.get_all("Customer Category", pluck="name", order_by="name")]
		self.kinds = [None, *frappe.get_all("Customer Kind", pluck="name", order_by="name")]
		self.assertGreater(len(self.categories), 2)
		self.assertGreater(len(self.kinds), 2)
		self.shelved = 0

	def held(self, rng, names):
		rows = frappe.get_all(
			"Customer Account",
			filters={"name": ("in", names), "salesperson": ("is", "set")},
			fields=["name", "salesperson"],
		)
		return rng.choice(rows) if rows else None

	def pooled(self, rng, names):
		rows = frappe.get_all(
			"Customer Account",
			filters={"name": ("in", names), "salesperson": ("is", "not set"), "lifecycle_state": "Pool"},
			pluck="name",
		)
		return rng.choice(rows) if rows else None

	def step(self, rng, names: list[str], bulk_start: list[int]):
		action = rng.random()
		if action < 0.18 or len(names) < 6:
			seller = rng.choice([*self.sellers, None])
			names.append(
				make_customer(
					salesperson=seller,
					customer_pool=self.pool,
					lifecycle_state="Following" if seller else "Pool",
					customer_category=rng.choice(self.categories),
					customer_kind=rng.choice(self.kinds),
				).name
			)
		elif action < 0.24:
			rows = list(customer_rows(3, seed=rng.randint(1, 10**6), start=bulk_start[0]))
			bulk_start[0] += 3
			for row in rows:
				row["salesperson"] = rng.choice([*self.sellers, None])
				row["customer_pool"] = self.pool
			bulk_insert_customers(rows)
			names += [r["name"] for r in rows]
		elif action < 0.31:
			# a follow-up: its month bookkeeping carries the customer's type, which later edits must reach
			row = self.held(rng, names)
			if row:
				frappe.set_user(row.salesperson)
				try:
					frappe.get_doc({"doctype": "Follow Up Record", "customer": row.name, "method": "Phone", "content": "回访", "followed_on": now_datetime() - timedelta(days=rng.choice((0, 0, 40)))}).insert()  # fmt: skip
				finally:
					frappe.set_user("Administrator")
		elif action < 0.42:
			doc = frappe.get_doc("Customer Account", rng.choice(names))
			doc.customer_category = rng.choice(self.categories)
			doc.customer_kind = rng.choice(self.kinds)
			doc.save(ignore_permissions=True)
		elif action < 0.5:
			name = self.pooled(rng, names)
			if name:
				claims.claim([name], user=rng.choice(self.sellers))
		elif action < 0.58:
			row = self.held(rng, names)
			if row:
				frappe.set_user(row.salesperson)
				try:
					handovers.abandon([row.name], "不再跟进")
				finally:
					frappe.set_user("Administrator")
		elif action < 0.68:
			row = self.held(rng, names)
			if row:
				to = rng.choice([s for s in self.sellers if s != row.salesperson])
				handovers.transfer(row.name, to, reason="轮岗")
		elif action < 0.74:
			row = self.held(rng, names)
			if row:
				handovers.mark_invalid(row.name, reason="空号")
		elif action < 0.79:
			row = self.held(rng, names)
			if row:
				mark_customer_deal(row.name, today())
		elif action < 0.82:
			# shelved and back (the state is part of the count: POOL-11)
			row = self.held(rng, names)
			if row:
				frappe.set_user(row.salesperson)
				try:
					marks.shelve([row.name])
					self.shelved += 1
					if rng.random() < 0.5:
						marks.unshelve([row.name])
				finally:
					frappe.set_user("Administrator")
		elif action < 0.9:
			name = names.pop(rng.randrange(len(names)))
			frappe.delete_doc("Customer Account", name, ignore_permissions=True, force=True)
		else:
			# held customers never contacted since a claim long ago: the pool's rule takes them back
			row = self.held(rng, names)
			if row:
				frappe.db.set_value(
					"Customer Account",
					row.name,
					{"claimed_on": now_datetime() - timedelta(days=30), "last_contact_on": None, "locked": 0},
					update_modified=False,
				)
				recycle.run_recycle(now=now_datetime(), commit=False)

	def test_the_holding_equals_the_customers_after_a_random_history(self):
		rng = random.Random(23)
		names: list[str] = []
		bulk_start = [1_560_000]  # beyond test_bulk's rows, within the generator's companies
		for _ in range(140):
			try:
				self.step(rng, names, bulk_start)
			except frappe.ValidationError:
				pass  # a limit or a rule refused the move: nothing moved, as for a user
		self.assertEqual(holding_rollup.mismatches(), [])
		# the follow-ups' bookkeeping rows carry each customer's type as it is now (RPT-11)
		self.assertEqual(reach_rollup.mismatches(), [])
		self.assertTrue(frappe.db.exists(reach_rollup.CUSTOMER_MONTH, {"customer": ("in", names)}))
		# not vacuous: many keys, and the table adds up to every held customer
		ours = frappe.get_all(
			holding_rollup.HOLDING, filters={"salesperson": ("in", self.sellers)}, fields=["customer_count"]
		)
		self.assertGreater(len(ours), 6)
		self.assertEqual(
			sum(r.customer_count for r in frappe.get_all(holding_rollup.HOLDING, fields=["customer_count"])),
			frappe.db.count("Customer Account", {"salesperson": ("is", "set")}),
		)
		moves = frappe.get_all(
			"Customer Ownership Log",
			filters={"customer": ("in", names)},
			pluck="action",
		)
		for action in ("Claim", "Abandon", "Transfer", "Recycle"):
			self.assertIn(action, moves)
		self.assertGreater(self.shelved, 0)
		self.assertEqual(
			{0, 1},
			set(
				frappe.get_all(
					holding_rollup.HOLDING,
					filters={"salesperson": ("in", self.sellers)},
					pluck="never_contacted",
				)
			),
		)

	def test_a_rebuild_mends_a_damaged_table(self):
		for seller in self.sellers:
			make_customer(salesperson=seller, customer_category=self.categories[1])
		table = f"`tab{holding_rollup.HOLDING}`"
		frappe.db.sql(f"update {table} set customer_count = customer_count + 5 limit 1")
		frappe.db.sql(f"delete from {table} where salesperson = %s", (self.sellers[0],))
		frappe.db.sql(
			f"insert into {table} (name, salesperson, customer_count) values ('stray', %s, 3)",
			(self.sellers[1],),
		)
		self.assertNotEqual(holding_rollup.mismatches(), [])
		holding_rollup.rebuild(commit=lambda: None)
		self.assertEqual(holding_rollup.mismatches(), [])
		self.assertFalse(frappe.db.exists(holding_rollup.HOLDING, "stray"))

	def test_a_customer_s_new_type_reaches_its_follow_ups_bookkeeping(self):
		seller = self.sellers[0]
		kind = next(k for k in self.kinds if k and k != "Deal")
		name = make_customer(
			salesperson=seller,
			lifecycle_state="Following",
			customer_category=self.categories[1],
			customer_kind=kind,
		).name
		frappe.set_user(seller)
		try:
			frappe.get_doc({"doctype": "Follow Up Record", "customer": name, "method": "Phone", "content": "回访", "followed_on": now_datetime()}).insert()  # fmt: skip
		finally:
			frappe.set_user("Administrator")

		def types():
			return frappe.db.get_value(
				reach_rollup.CUSTOMER_MONTH, {"customer": name}, ["customer_category", "customer_kind"]
			)

		self.assertEqual(tuple(types()), (self.categories[1], kind))
		doc = frappe.get_doc("Customer Account", name)
		doc.customer_category = self.categories[2]
		doc.save(ignore_permissions=True)
		self.assertEqual(types()[0], self.categories[2])
		mark_customer_deal(name, today())
		self.assertEqual(types()[1], "Deal")
		self.assertEqual(reach_rollup.mismatches(), [])
		self.assertEqual(holding_rollup.mismatches(), [])

	def test_a_deleted_department_leaves_its_customers_counted_without_one(self):
		department = make_department("测试临时组", "测试销售部")
		seller = self.sellers[0]
		names = [make_customer(salesperson=seller, lifecycle_state="Following").name for _ in range(3)]
		set_counted("Customer Account", names, {"sales_department": department})

		def held(**filters) -> int:
			return int(frappe.db.get_value(holding_rollup.HOLDING, filters, "sum(customer_count)") or 0)

		self.assertEqual(held(sales_department=department), 3)
		without = held(salesperson=seller, sales_department=("is", "not set"))
		total = held()
		frappe.delete_doc("Sales Department", department, ignore_permissions=True)
		self.assertFalse(frappe.db.exists(holding_rollup.HOLDING, {"sales_department": department}))
		self.assertEqual(held(salesperson=seller, sales_department=("is", "not set")), without + 3)
		self.assertEqual(held(), total)
		self.assertEqual(holding_rollup.mismatches(), [])
