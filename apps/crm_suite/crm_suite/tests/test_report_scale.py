"""The Decision Centre's reports made fast at 1M customers (issue 17: RPT-05, RPT-08, RPT-11, POOL-05,
POOL-11) give what the straightforward computation gives — every source row read as Administrator, filtered
to the viewer's scope and grouped in Python — on random data, for an admin, a manager and a salesperson; and
a salesperson or manager never sees rows outside their scope (ORG-03)."""

import itertools
import random
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from unittest.mock import patch

import frappe
from frappe.utils import add_days, get_datetime, get_first_day, getdate, now_datetime, today

from crm_suite.decision_centre.report.customer_ranking import customer_ranking
from crm_suite.decision_centre.report.customer_stickiness import customer_stickiness
from crm_suite.decision_centre.report.receivables_ageing import receivables_ageing
from crm_suite.permissions.scope import visible_users
from crm_suite.policies.ageing import age
from crm_suite.pools.report.recycle_preview import recycle_preview
from crm_suite.pools.report.resource_warning import resource_warning
from crm_suite.services import activity_rollup, holding_rollup, reach_rollup
from crm_suite.services.pool.kinds import CUSTOMER
from crm_suite.services.pool.membership import default_pool
from crm_suite.services.recycle.preview import preview as due_preview
from crm_suite.services.recycle.rules import due_criterion, load_rules
from crm_suite.tests.test_pool import make_pool
from crm_suite.tests.test_sales_orders import make_product
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team

CATEGORIES = (None, "Key", "Normal", "Deal")
KINDS = (None, "Company", "Person")
STATES = ("Following", "Deal", "Pending", "Shelved")


def insert(doctype: str, **values) -> str:
	doc = frappe.get_doc({"doctype": doctype, **values})
	doc.name = frappe.generate_hash(length=14)
	doc.db_insert()
	return doc.name


def money(rng) -> Decimal:
	return Decimal(rng.randint(100, 500_000)) / 100


class TestReportsAtScale(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		holding_rollup.rebuild(commit=lambda: None)  # as counted now, whatever other tests committed
		self.rng = random.Random(17)
		rng = self.rng
		t = self.team
		self.people = [t["sales_a"], t["sales_b"], t["outsider"], t["manager"]]
		self.pool = make_pool(rules=[{"rule_type": "Not Contacted After Claim", "days": 7}])
		# only this pool has rules (the preview reads every rule)
		frappe.db.delete("Pool Rule", {"parent": ("!=", self.pool)})
		now = now_datetime()
		self.customers = []
		for _i in range(40):
			name = make_customer().name
			claimed = now - timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 1000))
			contact = rng.choice((None, claimed - timedelta(days=1), claimed + timedelta(days=1)))
			holding_rollup.remove([name])  # written set-based below, counted as the writers count them
			frappe.db.set_value(
				"Customer Account",
				name,
				{
					"salesperson": rng.choice((*self.people, None)),
					"lifecycle_state": rng.choice(STATES),
					"customer_category": rng.choice(CATEGORIES),
					"customer_kind": rng.choice(KINDS),
					"customer_pool": rng.choice((self.pool, None)),
					"claimed_on": claimed,
					"last_contact_on": contact,
				},
				update_modified=False,
			)
			holding_rollup.add([name])
			self.customers.append(name)
		self.products = [make_product(cost_price=c) for c in (10, 35, 60)]
		start = getdate(today()).replace(day=1)
		self.from_date = add_days(start, -62)
		self.days = (getdate(today()) - self.from_date).days
		for _i in range(120):
			order = insert(
				"Customer Order",
				customer=rng.choice(self.customers),
				salesperson=rng.choice(self.people),
				transaction_date=add_days(self.from_date, rng.randint(-20, self.days)),
				docstatus=rng.choice((1, 1, 1, 0, 2)),
				status=rng.choice(("Confirmed", "Completed", "Confirmed", "Draft")),
				net_total=money(rng),
			)
			for _j in range(rng.randint(1, 3)):
				insert(
					"Customer Order Line",
					parent=order,
					parenttype="Customer Order",
					parentfield="items",
					product=rng.choice(self.products),
					qty=rng.randint(1, 5),
				)
		for _i in range(40):
			insert(
				"Sales Expense",
				customer=rng.choice(self.customers),
				salesperson=rng.choice(self.people),
				expense_date=add_days(self.from_date, rng.randint(-20, self.days)),
				amount=money(rng),
				docstatus=rng.choice((1, 1, 0)),
			)
		for _i in range(60):
			insert(
				"Customer Points Entry",
				customer=rng.choice(self.customers),
				points=rng.randint(-50, 300),
				posted_on=get_datetime(add_days(self.from_date, rng.randint(-20, self.days))),
			)
		follow_ups = [self.follow_up_row() for _i in range(200)]
		activity_rollup.add(activity_rollup.FOLLOW_UPS, follow_ups)  # as saving them would
		reach_rollup.add(follow_ups)

	def follow_up_row(self) -> str:
		rng = self.rng
		return insert(
			"Follow Up Record",
			customer=rng.choice((*self.customers, None)),
			salesperson=rng.choice(self.people),
			method="Phone",
			content="电话沟通",
			followed_on=get_datetime(add_days(self.from_date, rng.randint(-20, self.days)))
			+ timedelta(hours=rng.randint(0, 23)),
		)

	# the straightforward computations -------------------------------------------------------------------

	def scope(self, user):
		users = visible_users(user)
		return (lambda person: True) if users is None else (lambda person: person in users)

	def naive_ranking(self, user, from_date, to_date, measure, top):
		in_scope = self.scope(user)
		holder = dict(frappe.get_all("Customer Account", fields=["name", "salesperson"], as_list=True))
		figures = defaultdict(lambda: defaultdict(Decimal))
		has = defaultdict(set)
		orders = frappe.get_all(
			"Customer Order",
			filters={
				"docstatus": 1,
				"status": ("in", ("Confirmed", "Completed")),
				"transaction_date": ("between", (from_date, to_date)),
			},
			fields=["name", "customer", "salesperson", "net_total"],
		)
		cost_price = dict(frappe.get_all("Sales Product", fields=["name", "cost_price"], as_list=True))
		for o in orders:
			if o.customer and in_scope(o.salesperson):
				figures[o.customer]["revenue"] += Decimal(str(o.net_total))
				figures[o.customer]["orders"] += 1
				has["orders"].add(o.customer)
				for line in frappe.get_all(
					"Customer Order Line", filters={"parent": o.name}, fields=["product", "qty"]
				):
					figures[o.customer]["cost"] += Decimal(str(line.qty)) * Decimal(
						str(cost_price.get(line.product) or 0)
					)
		for e in frappe.get_all(
			"Sales Expense",
			filters={"docstatus": 1, "expense_date": ("between", (from_date, to_date))},
			fields=["customer", "salesperson", "amount"],
		):
			if e.customer and in_scope(e.salesperson):
				figures[e.customer]["expenses"] += Decimal(str(e.amount))
				has["expenses"].add(e.customer)
		end = get_datetime(add_days(to_date, 1))
		for p in frappe.get_all("Customer Points Entry", fields=["customer", "points", "posted_on"]):
			if get_datetime(from_date) <= p.posted_on < end and in_scope(holder.get(p.customer)):
				figures[p.customer]["points"] += p.points
				has["points"].add(p.customer)
		for f in frappe.get_all(
			"Follow Up Record",
			fields=["customer", "salesperson", "followed_on"],
			filters={"customer": ("is", "set")},
		):
			if get_datetime(from_date) <= f.followed_on < end and in_scope(f.salesperson):
				figures[f.customer]["follow_ups"] += 1
				has["follow_ups"].add(f.customer)
		for f in figures.values():
			f["profit"] = f["revenue"] - f["cost"] - f["expenses"]
			f["margin"] = 100 * f["profit"] / f["revenue"] if f["revenue"] else 0
		ranked = {
			"revenue": has["orders"],
			"orders": has["orders"],
			"expenses": has["expenses"],
			"points": has["points"],
			"follow_ups": has["follow_ups"],
			"profit": has["orders"] | has["expenses"],
			"margin": has["orders"] | has["expenses"],
		}[measure]
		order = sorted(ranked, key=lambda c: (-figures[c][measure], c))[:top]
		return [(c, {k: float(v) for k, v in figures[c].items()}) for c in order]

	# RPT-05 ---------------------------------------------------------------------------------------------

	def test_customer_ranking_equals_the_straightforward_ranking(self):
		t = self.team
		to_date = getdate(today())
		for user in (t["admin"], t["manager"], t["sales_a"]):
			for rank_by, measure in (
				("Revenue", "revenue"),
				("Orders", "orders"),
				("Expenses", "expenses"),
				("Points", "points"),
				("Follow-ups", "follow_ups"),
				("Profit", "profit"),
				("Margin", "margin"),
			):
				if measure in ("profit", "margin") and user == t["sales_a"]:
					continue  # a salesperson's ranking by profit stays by revenue (tested in test_decision_centre)
				for top in (5, None):
					with self.subTest(user=user, rank_by=rank_by, top=top):
						filters = {"from_date": self.from_date, "to_date": to_date, "rank_by": rank_by}
						if top:
							filters["top"] = top
						data = self.run_as(user, customer_ranking, **filters)[1]
						expected = self.naive_ranking(user, self.from_date, to_date, measure, top or 100)
						self.assertEqual([r["customer"] for r in data], [c for c, _f in expected])
						self.assertEqual([r["rank"] for r in data], list(range(1, len(data) + 1)))
						for row, (_c, figures) in zip(data, expected, strict=True):
							for key in ("revenue", "orders", "expenses", "points", "follow_ups"):
								self.assertAlmostEqual(row[key], figures.get(key, 0), places=2, msg=key)
							if "cost" in row:
								self.assertAlmostEqual(row["cost"], figures.get("cost", 0), places=2)
		# the summary covers the whole period in scope, not only the page
		summary = {
			s["label"]: s["value"]
			for s in self.run_as(t["manager"], customer_ranking, from_date=self.from_date, top=1)[4]
		}
		everyone = self.naive_ranking(t["manager"], self.from_date, to_date, "revenue", 10**6)
		self.assertAlmostEqual(
			summary[frappe._("Revenue")], sum(f.get("revenue", 0) for _c, f in everyone), places=2
		)
		followed = self.naive_ranking(t["manager"], self.from_date, to_date, "follow_ups", 10**6)
		self.assertEqual(summary[frappe._("Follow-ups")], sum(f["follow_ups"] for _c, f in followed))
		self.assertEqual(summary[frappe._("Customers")], 1)

	def test_customer_ranking_never_shows_a_customer_only_others_sold_to(self):
		t = self.team
		for user in (t["sales_a"], t["manager"]):
			in_scope = self.scope(user)
			data = self.run_as(user, customer_ranking, from_date=self.from_date, top=1000)[1]
			for row in data:
				sellers = frappe.get_all(
					"Customer Order",
					filters={"customer": row["customer"], "docstatus": 1},
					pluck="salesperson",
				)
				self.assertTrue(any(in_scope(s) for s in sellers), (user, row["customer"]))

	# RPT-11 ---------------------------------------------------------------------------------------------

	def test_customer_stickiness_equals_the_straightforward_counts(self):
		t = self.team
		to_date = getdate(today())
		end = get_datetime(add_days(to_date, 1))
		# from a day within a month: the follow-ups themselves; from the first of a month to today: the month
		# bookkeeping of the follow-ups (services/reach_rollup.py), no follow-up being dated after today; each
		# read both ways round: the period's rows first (a manager's at scale) and the scope's customers first
		periods = (self.from_date, get_first_day(add_days(self.from_date, 31)))
		self.assertNotEqual(periods[0], periods[1])
		for user, (group_by, column), from_date, period_first in itertools.product(
			(t["admin"], t["manager"], t["sales_a"]),
			(("Category", "customer_category"), ("Kind", "customer_kind")),
			periods,
			(False, True),
		):
			with (
				self.subTest(user=user, group_by=group_by, from_date=from_date, period_first=period_first),
				patch.object(customer_stickiness, "fewer_rows_than", return_value=period_first),
				# the team's way (per type, forced index) and the few people's way, both
				patch.object(customer_stickiness, "TEAM_CUSTOMERS", 0 if period_first else 10**9),
			):
				in_scope = self.scope(user)
				every = frappe.get_all("Customer Account", fields=["name", "salesperson", column])
				type_of = {c.name: c[column] for c in every}
				customers = {c.name: c[column] for c in every if c.salesperson and in_scope(c.salesperson)}
				orders = defaultdict(int)
				for o in frappe.get_all(
					"Customer Order",
					filters={
						"docstatus": 1,
						"status": ("in", ("Confirmed", "Completed")),
						"transaction_date": ("between", (from_date, to_date)),
					},
					pluck="customer",
				):
					orders[o] += 1
				# the contact side: the follow-ups the people in scope made, by their customers' type
				follow_ups = defaultdict(int)
				for f in frappe.get_all(
					"Follow Up Record", fields=["customer", "followed_on", "salesperson"]
				):
					if (
						f.customer
						and get_datetime(from_date) <= f.followed_on < end
						and in_scope(f.salesperson)
					):
						follow_ups[f.customer] += 1
				expected = defaultdict(lambda: defaultdict(int))
				for name, kind in customers.items():
					row = expected[kind or frappe._("Not Set")]
					row["customers"] += 1
					row["buying_customers"] += orders[name] >= 1
					row["repeat_customers"] += orders[name] >= 2
					row["orders"] += orders[name]
				for name, n in follow_ups.items():
					row = expected[type_of[name] or frappe._("Not Set")]
					row["followed_customers"] += 1
					row["follow_ups"] += n
				self.assertTrue(follow_ups)  # not vacuous
				for row in expected.values():  # every figure of a row, zeros included
					for k in customer_stickiness.COUNTS:
						row.setdefault(k, 0)
				data = self.run_as(
					user,
					customer_stickiness,
					from_date=from_date,
					to_date=to_date,
					group_by=group_by,
				)[1]
				got = defaultdict(lambda: defaultdict(int))
				for row in data:  # None and '' are both "Not Set"
					for k in customer_stickiness.COUNTS:
						got[row.customer_type][k] += row[k]
				self.assertEqual(
					{k: dict(v) for k, v in got.items()}, {k: dict(v) for k, v in expected.items()}
				)
				self.assertEqual(
					[r.customers for r in data], sorted((r.customers for r in data), reverse=True)
				)

	# POOL-11 --------------------------------------------------------------------------------------------

	def test_resource_warning_counts_the_viewer_s_salespeople_only(self):
		t = self.team
		for user in (t["admin"], t["manager"], t["sales_a"], t["outsider"]):
			with self.subTest(user=user):
				in_scope = self.scope(user)
				expected = defaultdict(lambda: [0, 0])
				for c in frappe.get_all(
					"Customer Account",
					filters={"salesperson": ("is", "set"), "lifecycle_state": ("in", CUSTOMER.owned_states)},
					fields=["salesperson", "sales_department", "claimed_on", "last_contact_on"],
				):
					if in_scope(c.salesperson):
						row = expected[(c.salesperson, c.sales_department)]
						row[0] += 1
						row[1] += bool(
							not c.last_contact_on or (c.claimed_on and c.last_contact_on <= c.claimed_on)
						)
				data = self.run_as(user, resource_warning)[1]
				got = {(r.salesperson, r.sales_department): [r.assigned, r.never_contacted] for r in data}
				self.assertEqual(got, dict(expected))
				if user != t["admin"]:
					self.assertTrue(all(in_scope(r.salesperson) for r in data))
		# a customer shared with a salesperson is still its holder's figure, not the sharer's
		theirs = next(
			c
			for c in self.customers
			if frappe.db.get_value("Customer Account", c, "salesperson") == t["sales_b"]
		)
		frappe.share.add_docshare(
			"Customer Account", theirs, t["sales_a"], read=1, flags={"ignore_share_permission": True}
		)
		self.assertNotIn(
			t["sales_b"], {r.salesperson for r in self.run_as(t["sales_a"], resource_warning)[1]}
		)

	# POOL-05 --------------------------------------------------------------------------------------------

	def test_recycle_preview_reads_ranges_and_keeps_the_earliest_claims(self):
		t = self.team
		on_date = add_days(today(), 3)
		now = get_datetime(f"{on_date} 23:59:59")
		table = frappe.qb.DocType("Customer Account")
		(rule,) = (r for r in load_rules(CUSTOMER) if r.pool == self.pool)
		everything = (
			frappe.qb.from_(table)
			.select(table.name, table.salesperson, table.claimed_on)
			.where(due_criterion(CUSTOMER, rule, now, default_pool(CUSTOMER.pool_type)))
			.orderby(table.claimed_on)
			.run(as_dict=True)
		)
		self.assertGreater(len(everything), 3, "the random data has customers due")
		for limit in (1, 3, 5000):
			rows = due_preview(CUSTOMER.doctype, on_date, self.pool, limit=limit)
			self.assertEqual([r.claimed_on for r in rows], [r.claimed_on for r in everything][:limit], limit)
		for user in (t["admin"], t["manager"], t["sales_a"]):
			with self.subTest(user=user):
				in_scope = self.scope(user)
				data = self.run_as(user, recycle_preview, on_date=on_date, customer_pool=self.pool)[1]
				self.assertEqual(
					{r.name for r in data},
					{r.name for r in everything if in_scope(r.salesperson)},
				)

	# RPT-08 ---------------------------------------------------------------------------------------------

	def test_receivables_ageing_reads_the_owing_customers_and_equals_the_full_ledger(self):
		t = self.team
		rng = self.rng
		balances = defaultdict(Decimal)
		for _i in range(150):
			customer = rng.choice(self.customers)
			amount = money(rng) * rng.choice((1, 1, -1))
			posted = add_days(today(), rng.randint(-400, 10))  # a few posted ahead of today
			insert(
				"Receivable Ledger Entry",
				customer=customer,
				posting_date=posted,
				entry_type="Order" if amount > 0 else "Payment",
				amount=amount,
			)
			balances[customer] += amount
		# settled customers: their entries sum to zero (paid in full on a later day)
		for customer in self.customers[:8]:
			if balances[customer]:
				insert(
					"Receivable Ledger Entry",
					customer=customer,
					posting_date=add_days(today(), -rng.randint(0, 30)),
					entry_type="Payment",
					amount=-balances[customer],
				)
				balances[customer] = Decimal(0)
		for customer, balance in balances.items():
			name = f"Customer Account-{customer}"
			frappe.db.delete("Receivable Balance", {"name": name})
			doc = frappe.get_doc(
				{
					"doctype": "Receivable Balance",
					"balance_of": "Customer Account",
					"balance_name": customer,
					"customer": customer,
					"balance": balance,
				}
			)
			doc.name = name
			doc.db_insert()
		ledger = defaultdict(lambda: defaultdict(Decimal))  # the report ages each day's net amount
		for e in frappe.get_all("Receivable Ledger Entry", fields=["customer", "posting_date", "amount"]):
			ledger[e.customer][e.posting_date] += Decimal(str(e.amount))
		holder = dict(frappe.get_all("Customer Account", fields=["name", "salesperson"], as_list=True))
		for as_of in (getdate(today()), getdate(add_days(today(), 30)), getdate(add_days(today(), -45))):
			for user in (t["admin"], t["manager"], t["sales_a"]):
				with self.subTest(as_of=as_of, user=user):
					in_scope = self.scope(user)
					expected = {}
					for customer, entries in ledger.items():
						if not holder.get(customer) or not in_scope(holder[customer]):
							continue
						ageing = age([(d, a) for d, a in entries.items() if d <= as_of], as_of)
						if ageing.outstanding or ageing.credit:
							expected[customer] = (float(ageing.outstanding), float(ageing.credit))
					data = self.run_as(user, receivables_ageing, to_date=as_of)[1]
					self.assertEqual({r["customer"]: (r["outstanding"], r["credit"]) for r in data}, expected)
