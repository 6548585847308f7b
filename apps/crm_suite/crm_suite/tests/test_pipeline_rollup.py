"""Open opportunities per process × stage × salesperson (SPEC SALE-01, RPT-04; services/pipeline_rollup.py): equal
to the GROUP BY over the opportunities after a random history of every writer — new opportunities one by one
and in bulk, stage moves forward, back, to won, lost and invalid, amount and probability edits, a reassignment
and deletes — and mended by a rebuild; the Sales Pipeline read from it equals the pipeline counted from the
opportunities, for a salesperson, a manager, an admin and a colleague an opportunity is shared with (ORG-03)."""

import random

import frappe
from frappe.utils import add_days, getdate

from crm_suite.demo.load import write_opportunities
from crm_suite.sales.report.sales_pipeline import sales_pipeline
from crm_suite.services import pipeline_rollup
from crm_suite.services.sales import stages as stage_service
from crm_suite.tests.test_sales import FIRST, NEEDS, QUOTE, SalesTestCase, make_opportunity
from crm_suite.tests.utils import make_customer

OPPORTUNITY = "Sales Opportunity"


def pipeline(filters: dict | None = None) -> dict:
	"""stage → (opportunities, expected, weighted) as the report shows them, its total row included."""
	return {
		r["stage"]: (r["opportunities"], r["expected_amount"], r["weighted_amount"])
		for r in sales_pipeline.execute(filters or {})[1]
	}


class TestOpportunityHolding(SalesTestCase):
	def setUp(self):
		super().setUp()
		self.addCleanup(frappe.db.rollback)
		# other tests delete opportunities behind the table's back: start from it as a rebuild makes it
		pipeline_rollup.rebuild(commit=lambda: None)
		self.sellers = [self.team["sales_a"], self.team["sales_b"], self.team["outsider"]]
		self.moves = set()

	def step(self, rng, names: list[str]):
		action = rng.random()
		if action < 0.2 or len(names) < 4:
			seller = rng.choice(self.sellers)
			frappe.set_user(seller)
			customer = make_customer(salesperson=seller, lifecycle_state="Following").name
			names.append(make_opportunity(customer, expected_amount=rng.choice((0, 5000, 80000))).name)
		elif action < 0.27:
			pairs = [
				(make_customer(salesperson=s, lifecycle_state="Following").name, "批量客户", s, None)
				for s in self.sellers
			]
			before = set(frappe.get_all(OPPORTUNITY, pluck="name"))
			write_opportunities(pairs, 4, seed=rng.randint(1, 10**6), revisit_rate=0.2, commit=False)
			names += sorted(set(frappe.get_all(OPPORTUNITY, pluck="name")) - before)
		elif action < 0.62:
			name = rng.choice(names)
			doc = frappe.db.get_value(OPPORTUNITY, name, ["salesperson", "stage", "status"], as_dict=True)
			if doc.status != "Open":
				return
			frappe.set_user(doc.salesperson)
			to = rng.choice((FIRST, NEEDS, QUOTE, "赢单", "输单", "无效"))
			values = {"needs": "CRM", "expected_amount": rng.choice((10000, 120000)), "expected_close_date": add_days(getdate(), 30)}  # fmt: skip
			stage_service.move_stage(
				name, to, feedback="推进", loss_reason="价格过高" if to == "输单" else None, values=values
			)
			self.moves.add(to)
		elif action < 0.74:
			doc = frappe.get_doc(OPPORTUNITY, rng.choice(names))
			doc.expected_amount = rng.choice((1000, 66000, 300000))
			doc.probability = rng.choice((5, 50, 90))
			doc.save(ignore_permissions=True)
		elif action < 0.82:
			# an admin hands the opportunity to a colleague (its history follows it)
			frappe.set_user("Administrator")
			doc = frappe.get_doc(OPPORTUNITY, rng.choice(names))
			doc.salesperson = rng.choice([s for s in self.sellers if s != doc.salesperson])
			doc.save()
			self.moves.add("reassigned")
		else:
			frappe.set_user("Administrator")
			frappe.delete_doc(OPPORTUNITY, names.pop(rng.randrange(len(names))), force=True)

	def test_the_holding_equals_the_opportunities_after_a_random_history(self):
		rng = random.Random(41)
		names: list[str] = []
		for _ in range(90):
			frappe.db.savepoint("step")
			try:
				self.step(rng, names)
			except (frappe.ValidationError, frappe.PermissionError):
				# a stage rule refused the move: undone as a request's rollback would, nothing moved
				frappe.db.rollback(save_point="step")
			finally:
				frappe.set_user("Administrator")
		self.assertEqual(pipeline_rollup.mismatches(), [])
		# not vacuous: every kind of writer ran, and the table holds each seller's open opportunities
		for move in ("赢单", "输单", NEEDS, "reassigned"):
			self.assertIn(move, self.moves)
		ours = frappe.get_all(
			pipeline_rollup.HOLDING,
			filters={"salesperson": ("in", self.sellers)},
			fields=["opportunity_count", "expected_amount"],
		)
		self.assertGreater(len(ours), 3)
		self.assertEqual(
			sum(r.opportunity_count for r in ours),
			frappe.db.count(OPPORTUNITY, {"salesperson": ("in", self.sellers), "status": "Open"}),
		)
		self.assertGreater(sum(r.expected_amount for r in ours), 0)
		# the report from the holding equals the report counted from the opportunities (a close-before
		# filter far ahead reads the opportunities themselves) — for each viewer
		far = str(add_days(getdate(), 3650))
		frappe.db.set_value(
			OPPORTUNITY, {"expected_close_date": ("is", "not set")}, "expected_close_date", far
		)
		for user in (self.team["sales_a"], self.team["manager"], "Administrator"):
			frappe.set_user(user)
			self.assertEqual(pipeline(), pipeline({"close_before": far}), user)
			self.assertEqual(
				pipeline({"salesperson": self.team["sales_a"]}),
				pipeline({"salesperson": self.team["sales_a"], "close_before": far}),
			)
		frappe.set_user("Administrator")

	def test_a_shared_opportunity_counts_for_the_colleague_it_is_shared_with(self):
		opportunity = self.own_opportunity("outsider", expected_amount=70000, expected_close_date=getdate())
		frappe.set_user(self.team["sales_a"])
		before = pipeline()[FIRST]
		frappe.set_user("Administrator")
		frappe.share.add(OPPORTUNITY, opportunity.name, self.team["sales_a"], read=1)
		frappe.set_user(self.team["sales_a"])
		after = pipeline()[FIRST]
		self.assertEqual((after[0] - before[0], after[1] - before[1]), (1, 70000.0))
		self.assertEqual(pipeline(), pipeline({"close_before": "2999-12-31"}))
		# the Sales workspace's number card counts it too (every process, from the holding)
		from crm_suite.api.sales import open_by_stage_chart, open_opportunities_card, open_pipeline_card

		card = open_pipeline_card()
		self.assertEqual((card["value"], card["fieldtype"]), (pipeline()[frappe._("Total")][1], "Currency"))
		self.assertGreaterEqual(card["value"], 70000.0)
		frappe.set_user(self.team["sales_b"])
		self.assertEqual(pipeline()[FIRST][0], 0)  # nothing of sales_a's or the outsider's
		self.assertEqual(open_pipeline_card()["value"], pipeline()[frappe._("Total")][1])
		# and the charts and the decision centre's card, as sales_a (the shared one counted)
		frappe.set_user(self.team["sales_a"])
		shown = pipeline()
		opportunities = open_by_stage_chart("Opportunities by Stage")
		amounts = open_by_stage_chart("Pipeline by Stage")
		self.assertEqual(
			opportunities["labels"][: len(shown) - 1], [s for s in shown if s != frappe._("Total")]
		)
		for chart, at in ((opportunities, 0), (amounts, 1)):
			values = dict(zip(chart["labels"], chart["datasets"][0]["values"], strict=True))
			self.assertEqual(
				{s: values[s] for s in shown if s != frappe._("Total")},
				{s: float(v[at]) for s, v in shown.items() if s != frappe._("Total")},
			)
		self.assertEqual(open_opportunities_card()["value"], shown[frappe._("Total")][0])
		self.assertGreaterEqual(open_opportunities_card()["value"], 1)

	def test_a_rebuild_mends_a_damaged_table(self):
		for key in ("sales_a", "sales_b"):
			self.own_opportunity(key, expected_amount=9000)
		frappe.set_user("Administrator")
		table = f"`tab{pipeline_rollup.HOLDING}`"
		frappe.db.sql(
			f"update {table} set expected_amount = expected_amount + 1 where salesperson = %s",
			(self.team["sales_b"],),
		)
		frappe.db.sql(f"delete from {table} where salesperson = %s", (self.team["sales_a"],))
		frappe.db.sql(f"insert into {table} (name, salesperson, opportunity_count) values ('stray', %s, 2)", (self.team["sales_b"],))  # fmt: skip
		self.assertGreaterEqual(len(pipeline_rollup.mismatches()), 3)
		pipeline_rollup.rebuild(commit=lambda: None)
		self.assertEqual(pipeline_rollup.mismatches(), [])
		self.assertFalse(frappe.db.exists(pipeline_rollup.HOLDING, "stray"))
