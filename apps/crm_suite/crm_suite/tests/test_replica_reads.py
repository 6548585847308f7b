"""The Decision Centre's number cards and charts as served for the read replica (issue 17, api/replica.py).

On a site without a replica they answer what Frappe's own methods answer, within the reader's row scope
(ORG-03); bad arguments are 4xx, never raw SQL; a chart's sync stamp is written by the wrapper (on the
primary) exactly when Frappe computed. That the reads really run on a replica is proven end to end on a
private MariaDB pair (tests/e2e/test_zy_read_replica.py)."""

import json
from pathlib import Path

import frappe
from frappe.desk.doctype.number_card import number_card
from frappe.utils import now_datetime

from crm_suite.api import replica
from crm_suite.services.inputs import InvalidArgument
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team

CARD = json.loads(
	(
		Path(__file__).resolve().parents[1]
		/ "decision_centre/number_card/calls_this_month/calls_this_month.json"
	).read_text()
)
CHART = "Customers by Lifecycle"


class TestReplicaReads(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		make_customer(salesperson=self.team["sales_a"])
		for user in (self.team["sales_a"], self.team["sales_a"], self.team["outsider"]):
			doc = frappe.get_doc(
				{
					"doctype": "Phone Call Record",
					"call_type": "Outbound",
					"status": "Ended",
					"user": user,
					"start_time": now_datetime(),
					"phone_number": "13800138000",
				}
			).insert(ignore_permissions=True)
			frappe.db.set_value("Phone Call Record", doc.name, "user", user)

	def card_result(self) -> float:
		return replica.number_card_result(json.dumps(CARD), CARD["filters_json"])

	def test_number_card_counts_as_frappe_within_the_readers_scope(self):
		frappe.set_user(self.team["sales_a"])
		self.assertEqual(self.card_result(), 2)
		self.assertEqual(self.card_result(), number_card.get_result(json.dumps(CARD), CARD["filters_json"]))
		frappe.set_user(self.team["outsider"])
		self.assertEqual(self.card_result(), 1)
		frappe.set_user(self.team["manager"])
		self.assertEqual(self.card_result(), number_card.get_result(json.dumps(CARD), CARD["filters_json"]))

	def test_percentage_difference_is_frappes(self):
		frappe.set_user(self.team["sales_a"])
		ours = replica.number_card_percentage_difference(
			json.dumps({"name": CARD["name"]}), CARD["filters_json"], 2
		)
		theirs = number_card.get_percentage_difference(
			json.dumps({"name": CARD["name"]}), CARD["filters_json"], 2
		)
		self.assertEqual(ours, theirs)

	def test_bad_arguments_are_refused_before_any_query(self):
		refused = {
			InvalidArgument: [
				lambda: replica.number_card_result("does-not-exist", "[]"),
				lambda: replica.number_card_result(json.dumps({**CARD, "function": "Drop"}), "[]"),
				lambda: replica.number_card_result(
					json.dumps(
						{**CARD, "function": "Sum", "aggregate_function_based_on": "name); drop table x; --"}
					),
					"[]",
				),
				# a filter given as text would be an SQL condition in Frappe's list query
				lambda: replica.number_card_result(json.dumps(CARD), '["1=1"]'),
				lambda: replica.number_card_result(json.dumps(CARD), '"1=1"'),
				lambda: replica.number_card_result(json.dumps(CARD), "[]", "not a date"),
				lambda: replica.number_card_percentage_difference(
					json.dumps({"name": CARD["name"]}), "[]", "x"
				),
				lambda: replica.dashboard_chart(),
				lambda: replica.dashboard_chart(chart="{"),
				lambda: replica.dashboard_chart(chart_name=CHART, filters="1=1"),
			],
			frappe.DoesNotExistError: [
				lambda: replica.number_card_result(json.dumps({**CARD, "document_type": "无此类型"}), "[]"),
				lambda: replica.number_card_percentage_difference(json.dumps({"name": "无此卡片"}), "[]", 1),
				lambda: replica.dashboard_chart(chart_name="无此图表"),
				lambda: replica.dashboard_chart(chart=json.dumps({"document_type": "无此类型"})),
			],
		}
		for exc, calls in refused.items():
			for i, call in enumerate(calls):
				with self.subTest(exc=exc.__name__, call=i), self.assertRaises(exc):
					call()

	def test_chart_is_computed_and_stamped_when_refreshed_only(self):
		frappe.db.set_value("Dashboard Chart", CHART, "last_synced_on", None, update_modified=False)
		frappe.set_user(self.team["manager"])
		preview = replica.dashboard_chart(chart_name=CHART, no_cache=1)
		self.assertIn("labels", preview)
		self.assertIsNone(frappe.db.get_value("Dashboard Chart", CHART, "last_synced_on"))
		refreshed = replica.dashboard_chart(chart_name=CHART, refresh=1)
		self.assertEqual(refreshed, preview)
		self.assertIsNotNone(frappe.db.get_value("Dashboard Chart", CHART, "last_synced_on"))
		self.assertFalse(frappe.flags.read_only)
