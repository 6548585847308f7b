"""Sales pipeline on a real site (SPEC SALE-01, SALE-02, SALE-03, SALE-09, SALE-10): stage rules on every
write path, conflicts, concurrent moves, stage deletion, the won customer, scope, notifications, lead
conversion and the reports' numbers on a small known dataset."""

import json
import threading
from unittest.mock import patch

import frappe
from frappe.utils import add_days, get_first_day, getdate, now_datetime

from crm_suite.sales.report.opportunity_stage_conversion import opportunity_stage_conversion
from crm_suite.sales.report.rival_win_loss import rival_win_loss
from crm_suite.sales.report.sales_pipeline import sales_pipeline
from crm_suite.sales.report.sales_target_attainment import sales_target_attainment
from crm_suite.services import holding_rollup, pipeline_rollup
from crm_suite.services import lead as lead_service
from crm_suite.services.sales import stages as stage_service
from crm_suite.services.sales.overdue import flag_overdue_opportunities
from crm_suite.services.sales.processes import DEFAULT_PROCESS
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team

OPPORTUNITY = "Sales Opportunity"
FIRST, NEEDS, QUOTE, NEGOTIATE, WON, LOST, INVALID = (
	"初步接洽",
	"需求确认",
	"方案报价",
	"商务谈判",
	"赢单",
	"输单",
	"无效",
)


def make_opportunity(customer: str, **values):
	return frappe.get_doc(
		{"doctype": OPPORTUNITY, "opportunity_title": "测试商机", "customer": customer, **values}
	).insert()


def history(name: str) -> list[tuple]:
	return [
		tuple(r)
		for r in frappe.get_all(
			"Opportunity Stage Log",
			filters={"opportunity": name},
			fields=["from_stage", "to_stage", "to_status", "moved_by"],
			order_by="moved_on asc, creation asc",
			as_list=True,
		)
	]


class SalesTestCase(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()

	def tearDown(self):
		super().tearDown()
		frappe.clear_cache(doctype=OPPORTUNITY)  # stage options a test's process added are rolled back

	def own_opportunity(self, user_key="sales_a", **values):
		frappe.set_user(self.team[user_key])
		customer = make_customer(salesperson=self.team[user_key], lifecycle_state="Following").name
		return make_opportunity(customer, **values)

	def advance_to_quote(self, name: str):
		stage_service.move_stage(name, NEEDS, feedback="需求已确认", values={"needs": "CRM 系统"})
		stage_service.move_stage(
			name, QUOTE, values={"expected_amount": 120000, "expected_close_date": add_days(getdate(), 30)}
		)


class TestStageRules(SalesTestCase):
	def test_seeded_default_process_and_a_new_opportunity_starts_in_its_first_stage(self):
		self.assertEqual(frappe.db.get_value("Sales Process", {"is_default": 1}), DEFAULT_PROCESS)
		self.assertTrue(frappe.db.exists("Kanban Board", DEFAULT_PROCESS))
		self.assertGreaterEqual(frappe.db.count("Deal Loss Reason"), 5)
		opp = self.own_opportunity()
		self.assertEqual(
			(opp.sales_process, opp.stage, opp.status, opp.probability, opp.salesperson),
			(DEFAULT_PROCESS, FIRST, "Open", 10, self.team["sales_a"]),
		)
		self.assertEqual(history(opp.name), [(None, FIRST, "Open", self.team["sales_a"])])

	def test_customer_category_picks_the_process(self):
		frappe.get_doc(
			{
				"doctype": "Sales Process",
				"process_name": "测试大客户流程",
				"stages": [
					{"stage_name": "立项", "probability": 20},
					{"stage_name": "签约", "probability": 100, "end_kind": "Won"},
					{"stage_name": "放弃", "end_kind": "Lost"},
				],
			}
		).insert()
		frappe.db.set_value("Customer Category", "Key", "sales_process", "测试大客户流程")
		frappe.set_user(self.team["sales_a"])
		customer = make_customer(salesperson=self.team["sales_a"], customer_category="Key").name
		opp = make_opportunity(customer)
		self.assertEqual((opp.sales_process, opp.stage, opp.probability), ("测试大客户流程", "立项", 20))

	def test_advancing_needs_the_target_stages_fields_and_feedback(self):
		opp = self.own_opportunity()
		with self.assertRaisesRegex(stage_service.StageMoveRefused, "需求|Needs"):
			stage_service.move_stage(opp.name, NEEDS, feedback="电话沟通")
		with self.assertRaises(stage_service.StageMoveRefused):
			stage_service.move_stage(opp.name, NEEDS, values={"needs": "CRM"})  # no feedback note
		result = stage_service.move_stage(opp.name, NEEDS, feedback="电话沟通", values={"needs": "CRM"})
		self.assertEqual((result["stage"], result["status"], result["probability"]), (NEEDS, "Open", 30))
		log = frappe.get_all(
			"Opportunity Stage Log",
			filters={"opportunity": opp.name, "to_stage": NEEDS},
			fields=["from_stage", "feedback", "days_in_previous_stage", "moved_by"],
		)
		self.assertEqual(len(log), 1)
		self.assertEqual((log[0].from_stage, log[0].feedback), (FIRST, "电话沟通"))
		self.assertGreaterEqual(log[0].days_in_previous_stage, 0)
		self.assertIsNone(frappe.db.get_value(OPPORTUNITY, opp.name, "stage_feedback"))

	def test_a_jump_needs_everything_the_passed_stages_require(self):
		opp = self.own_opportunity()
		with self.assertRaisesRegex(stage_service.StageMoveRefused, "需求|Needs"):
			stage_service.move_stage(opp.name, NEGOTIATE, feedback="跳过", values={"expected_amount": 1})
		stage_service.move_stage(
			opp.name,
			NEGOTIATE,
			feedback="一次谈妥",
			values={"needs": "CRM", "expected_amount": 50000, "expected_close_date": getdate()},
		)
		doc = frappe.get_doc(OPPORTUNITY, opp.name)
		self.assertEqual((doc.stage, doc.probability, doc.furthest_stage_index), (NEGOTIATE, 70, 3))
		self.assertEqual(len(history(opp.name)), 2, "one history row per move")

	def test_a_plain_save_cannot_skip_stages_or_feedback_nor_set_the_status(self):
		opp = self.own_opportunity()
		doc = frappe.get_doc(OPPORTUNITY, opp.name)
		doc.stage = NEGOTIATE
		self.assertRaises(stage_service.StageMoveRefused, doc.save)
		doc = frappe.get_doc(OPPORTUNITY, opp.name)
		doc.status = "Won"
		doc.deal_date = getdate()
		doc.save()
		self.assertEqual(frappe.db.get_value(OPPORTUNITY, opp.name, ["status", "deal_date"]), ("Open", None))
		# the same move with what the stage requires, as a REST PUT sends it
		doc = frappe.get_doc(OPPORTUNITY, opp.name)
		doc.update({"stage": NEEDS, "needs": "CRM", "stage_feedback": "客户确认需求"})
		doc.save()
		self.assertEqual(history(opp.name)[-1][:2], (FIRST, NEEDS))

	def test_a_stale_move_is_a_conflict(self):
		opp = self.own_opportunity()
		stage_service.move_stage(opp.name, NEEDS, feedback="a", values={"needs": "x"}, expected_stage=FIRST)
		with self.assertRaises(stage_service.StageChanged) as info:
			stage_service.move_stage(
				opp.name, NEEDS, feedback="b", values={"needs": "x"}, expected_stage=FIRST
			)
		self.assertEqual(info.exception.http_status_code, 409)
		self.assertEqual(len(history(opp.name)), 2)

	def test_an_old_copy_cannot_be_saved_over_a_move(self):
		opp = self.own_opportunity()
		old = frappe.get_doc(OPPORTUNITY, opp.name)
		stage_service.move_stage(opp.name, NEEDS, feedback="a", values={"needs": "x"})
		old.stage, old.needs, old.stage_feedback = NEEDS, "y", "b"
		self.assertRaises(frappe.TimestampMismatchError, old.save)

	def test_won_makes_the_customer_a_deal_customer(self):
		opp = self.own_opportunity()
		self.advance_to_quote(opp.name)
		stage_service.move_stage(opp.name, WON, feedback="签约")
		doc = frappe.get_doc(OPPORTUNITY, opp.name)
		self.assertEqual((doc.status, doc.probability, doc.deal_date), ("Won", 100, getdate()))
		customer = frappe.db.get_value(
			"Customer Account", doc.customer, ["lifecycle_state", "deal_on", "customer_kind"], as_dict=True
		)
		self.assertEqual(
			(customer.lifecycle_state, customer.deal_on, customer.customer_kind), ("Deal", getdate(), "Deal")
		)
		with self.assertRaises(stage_service.StageMoveRefused):
			stage_service.move_stage(opp.name, QUOTE, feedback="再谈")  # end states are final

	def test_lost_needs_a_reason_and_only_a_manager_reopens(self):
		opp = self.own_opportunity()
		self.advance_to_quote(opp.name)
		with self.assertRaisesRegex(stage_service.StageMoveRefused, "原因|reason"):
			stage_service.move_stage(opp.name, LOST, feedback="太贵")
		stage_service.move_stage(opp.name, LOST, feedback="太贵", loss_reason="价格过高")
		doc = frappe.get_doc(OPPORTUNITY, opp.name)
		self.assertEqual((doc.status, doc.lost_at_stage, doc.loss_reason), ("Lost", QUOTE, "价格过高"))
		with self.assertRaises(stage_service.StageMoveRefused):
			stage_service.move_stage(opp.name, QUOTE, feedback="客户回来了")
		frappe.set_user(self.team["manager"])
		stage_service.move_stage(opp.name, QUOTE, feedback="客户回来了")
		doc = frappe.get_doc(OPPORTUNITY, opp.name)
		self.assertEqual(
			(doc.status, doc.stage, doc.loss_reason, doc.lost_at_stage), ("Open", QUOTE, None, None)
		)

	def test_a_stage_holding_opportunities_cannot_be_removed(self):
		opp = self.own_opportunity()
		self.advance_to_quote(opp.name)
		frappe.set_user("Administrator")
		process = frappe.get_doc("Sales Process", DEFAULT_PROCESS)
		process.stages = [s for s in process.stages if s.stage_name != QUOTE]
		with self.assertRaisesRegex(frappe.ValidationError, f"{QUOTE}.*1"):
			process.save()
		process = frappe.get_doc("Sales Process", DEFAULT_PROCESS)
		next(s for s in process.stages if s.stage_name == QUOTE).stage_name = "报价"
		self.assertRaises(frappe.ValidationError, process.save)  # a rename takes the old name away too
		process = frappe.get_doc("Sales Process", DEFAULT_PROCESS)
		process.stages = [s for s in process.stages if s.stage_name != INVALID]  # empty stage: fine
		process.save()

	def test_a_process_without_a_won_stage_is_refused(self):
		doc = frappe.get_doc(
			{"doctype": "Sales Process", "process_name": "无赢单流程", "stages": [{"stage_name": "a"}]}
		)
		self.assertRaisesRegex(frappe.ValidationError, "Won|赢单", doc.insert)

	def test_a_kanban_drag_goes_through_the_same_rules(self):
		from frappe.desk.doctype.kanban_board.kanban_board import update_order_for_single_card

		opp = self.own_opportunity()
		with self.assertRaises(stage_service.StageMoveRefused):
			update_order_for_single_card(DEFAULT_PROCESS, opp.name, FIRST, NEGOTIATE, 0, 0)
		frappe.db.set_value(OPPORTUNITY, opp.name, "needs", "CRM")
		doc = frappe.get_doc(OPPORTUNITY, opp.name)
		doc.stage, doc.stage_feedback = NEEDS, None
		self.assertRaisesRegex(stage_service.StageMoveRefused, "反馈|feedback", doc.save)


class TestCustomerConnections(SalesTestCase):
	"""The customer form's 360° connection counts (CUS-05), routed to crm_suite.api.overrides.get_open_count: one
	query, the figures Frappe's own counting gives."""

	def test_the_counts_are_frappe_s_in_one_query(self):
		from frappe.desk import notifications

		from crm_suite.api.overrides import get_open_count

		self.assertEqual(
			frappe.get_hooks("override_whitelisted_methods")["frappe.desk.notifications.get_open_count"][-1],
			"crm_suite.api.overrides.get_open_count",
		)
		opp = self.own_opportunity()
		make_opportunity(opp.customer)
		frappe.get_doc(
			{
				"doctype": "Follow Up Record",
				"customer": opp.customer,
				"method": "Phone",
				"content": "电话沟通",
			}
		).insert()

		def by_doctype(answer):
			return {
				row["doctype"]: (row["count"], row["open_count"])
				for row in answer["count"]["external_links_found"]
			}

		ours = get_open_count("Customer Account", opp.customer)
		frappes = notifications.get_open_count("Customer Account", opp.customer)
		self.assertEqual(by_doctype(ours), by_doctype(frappes))
		self.assertEqual(by_doctype(ours)["Sales Opportunity"], (2, 0))
		self.assertEqual(by_doctype(ours)["Follow Up Record"], (1, 0))
		self.assertEqual(ours["count"]["internal_links_found"], [])
		# asked for a few: those counted; a doctype the dashboard does not list: not counted
		asked = get_open_count("Customer Account", opp.customer, json.dumps(["Sales Opportunity", "ToDo"]))
		self.assertEqual(by_doctype(asked), {"Sales Opportunity": (2, 0)})
		# another salesperson's customer: refused, as Frappe's
		frappe.set_user(self.team["sales_b"])
		self.assertRaises(frappe.PermissionError, get_open_count, "Customer Account", opp.customer)


class TestKanbanDrag(SalesTestCase):
	"""The board's drag, routed to crm_suite.api.sales.kanban_move (hooks.override_whitelisted_methods), is a
	stage move with what the drag's dialog asked for; crm_suite.api.sales.move_requirements is the dialog."""

	def drag(self, name, from_stage, to_stage, **answers):
		from crm_suite.api.sales import kanban_move

		return kanban_move(DEFAULT_PROCESS, name, from_stage, to_stage, 0, 0, **answers)

	def test_the_board_drag_is_routed_to_the_app(self):
		self.assertEqual(
			frappe.get_hooks("override_whitelisted_methods")[
				"frappe.desk.doctype.kanban_board.kanban_board.update_order_for_single_card"
			][-1],
			"crm_suite.api.sales.kanban_move",
		)

	def test_the_board_s_save_on_load_writes_nothing_and_moves_no_card(self):
		"""Frappe's board sends every card's place on each load (`update_order`, routed to kanban_order): on the
		opportunity board a card in another column does not move, and the shared board is not rewritten."""
		from crm_suite.api.sales import kanban_order

		self.assertEqual(
			frappe.get_hooks("override_whitelisted_methods")[
				"frappe.desk.doctype.kanban_board.kanban_board.update_order"
			][-1],
			"crm_suite.api.sales.kanban_order",
		)
		opp = self.own_opportunity()
		stored = frappe.get_doc("Kanban Board", DEFAULT_PROCESS)
		board, moved = kanban_order(DEFAULT_PROCESS, json.dumps({NEGOTIATE: [opp.name], FIRST: []}))
		self.assertEqual(moved, [])
		self.assertEqual(frappe.db.get_value(OPPORTUNITY, opp.name, "stage"), FIRST)
		self.assertEqual(board.name, DEFAULT_PROCESS)
		self.assertEqual(frappe.db.get_value("Kanban Board", DEFAULT_PROCESS, "modified"), stored.modified)
		self.assertEqual([c.order for c in board.columns], [c.order for c in stored.columns])
		self.assertRaises(frappe.DoesNotExistError, kanban_order, "无此看板", "{}")

	def test_the_dialog_asks_what_the_move_needs(self):
		from crm_suite.api.sales import move_requirements

		opp = self.own_opportunity()
		needs = move_requirements(opp.name, NEGOTIATE)
		fields = [f["fieldname"] for f in needs["fields"]]
		self.assertEqual(fields[:2], ["needs", "expected_amount"])  # 需求确认's, then 方案报价's
		self.assertTrue(needs["feedback"])
		self.assertFalse(needs["loss_reason"])
		lost = move_requirements(opp.name, LOST)
		self.assertTrue(lost["loss_reason"])
		self.assertEqual(lost["end_kind"], "Lost")
		self.assertIn("refused", move_requirements(opp.name, FIRST))  # the stage it stands in

	def test_a_drag_with_the_dialog_s_answers_moves_and_places_the_card(self):
		opp = self.own_opportunity()
		self.assertRaises(stage_service.StageMoveRefused, self.drag, opp.name, FIRST, NEEDS)
		board = self.drag(opp.name, FIRST, NEEDS, feedback="电话确认", values=json.dumps({"needs": "CRM"}))
		self.assertEqual(frappe.db.get_value(OPPORTUNITY, opp.name, "stage"), NEEDS)
		column = next(c for c in board.columns if c.column_name == NEEDS)
		self.assertEqual(json.loads(column.order)[0], opp.name)
		source = next(c for c in board.columns if c.column_name == FIRST)
		self.assertNotIn(opp.name, json.loads(source.order or "[]"))
		log = frappe.get_all(
			"Opportunity Stage Log", {"opportunity": opp.name, "to_stage": NEEDS}, ["feedback", "from_stage"]
		)
		self.assertEqual([(r.feedback, r.from_stage) for r in log], [("电话确认", FIRST)])

	def test_a_drag_from_a_stale_column_is_a_conflict(self):
		opp = self.own_opportunity(needs="CRM")
		stage_service.move_stage(opp.name, NEEDS, feedback="ok")
		with self.assertRaises(stage_service.StageChanged):
			self.drag(opp.name, FIRST, QUOTE, values=json.dumps({"expected_amount": 5}))

	def test_a_drag_to_lost_needs_a_reason_and_ends_it(self):
		opp = self.own_opportunity()
		self.assertRaises(stage_service.StageMoveRefused, self.drag, opp.name, FIRST, LOST, feedback="x")
		reason = frappe.get_all("Deal Loss Reason", pluck="name", limit=1)[0]
		self.drag(opp.name, FIRST, LOST, feedback="价格太高", loss_reason=reason)
		self.assertEqual(
			frappe.db.get_value(OPPORTUNITY, opp.name, ["status", "loss_reason"]), ("Lost", reason)
		)

	def test_an_unknown_link_in_the_answers_is_refused(self):
		opp = self.own_opportunity()
		with self.assertRaises(frappe.ValidationError):
			self.drag(opp.name, FIRST, LOST, feedback="x", loss_reason="无此原因")
		self.assertEqual(frappe.db.get_value(OPPORTUNITY, opp.name, "stage"), FIRST)

	def test_a_move_writes_one_version_with_the_changed_fields(self):
		opp = self.own_opportunity(needs="CRM")
		stage_service.move_stage(opp.name, NEEDS, feedback="ok", values={"next_step": "发方案"})
		versions = frappe.get_all(
			"Version", {"ref_doctype": OPPORTUNITY, "docname": opp.name}, ["data"], order_by="creation desc"
		)
		changed = {row[0]: row[2] for row in json.loads(versions[0].data)["changed"]}
		self.assertEqual((changed["stage"], changed["next_step"]), (NEEDS, "发方案"))
		self.assertIn("probability", changed)  # Frappe's Version keeps values as formatted ("30.0%")
		self.assertNotIn("stage_feedback", changed)


class TestConcurrentMoves(SalesTestCase):
	def test_two_users_moving_at_once_one_wins_and_history_has_one_row(self):
		opp = self.own_opportunity(needs="CRM")
		frappe.db.commit()
		site, sites_path = frappe.local.site, frappe.local.sites_path
		users = [self.team["sales_a"], self.team["manager"]]
		barrier = threading.Barrier(2)
		outcomes = []

		def move(user):
			frappe.init(site, sites_path=sites_path)
			frappe.connect()
			try:
				frappe.set_user(user)
				barrier.wait(timeout=10)
				stage_service.move_stage(opp.name, NEEDS, feedback=user, expected_stage=FIRST)
				frappe.db.commit()
				outcomes.append("moved")
			except stage_service.StageChanged:
				frappe.db.rollback()
				outcomes.append("conflict")
			except Exception as e:
				frappe.db.rollback()
				outcomes.append(repr(e))
			finally:
				frappe.destroy()

		try:
			threads = [threading.Thread(target=move, args=(u,)) for u in users]
			for t in threads:
				t.start()
			for t in threads:
				t.join(30)
			self.assertEqual(sorted(outcomes), ["conflict", "moved"])
			frappe.db.rollback()
			moves = [h for h in history(opp.name) if h[0] == FIRST]
			self.assertEqual(len(moves), 1, "exactly one history row for the move")
			self.assertEqual(frappe.db.get_value(OPPORTUNITY, opp.name, "stage"), NEEDS)
		finally:
			frappe.set_user("Administrator")
			frappe.db.delete("Opportunity Stage Log", {"opportunity": opp.name})
			frappe.db.delete("Notification Log", {"document_name": opp.name})
			pipeline_rollup.remove([opp.name])  # deleted behind the document's back: counted out first
			frappe.db.delete(OPPORTUNITY, {"name": opp.name})
			holding_rollup.remove([opp.customer])  # deleted behind the document's back: counted out too
			frappe.db.delete("Customer Account", {"name": opp.customer})
			frappe.db.commit()


class TestScopeAndNotices(SalesTestCase):
	def test_salesperson_sees_own_manager_sees_subtree_share_opens_one(self):
		mine = self.own_opportunity("sales_a")
		theirs = self.own_opportunity("sales_b")
		frappe.set_user(self.team["sales_a"])
		listed = frappe.get_list(OPPORTUNITY, pluck="name")
		self.assertIn(mine.name, listed)
		self.assertNotIn(theirs.name, listed)
		self.assertFalse(frappe.has_permission(OPPORTUNITY, "read", theirs.name))
		self.assertRaises(frappe.PermissionError, stage_service.move_stage, theirs.name, NEEDS, "x")
		self.assertNotIn(
			theirs.name,
			frappe.get_list(
				"Opportunity Stage Log", filters={"opportunity": theirs.name}, pluck="opportunity"
			),
		)
		frappe.set_user(self.team["manager"])
		self.assertTrue({mine.name, theirs.name} <= set(frappe.get_list(OPPORTUNITY, pluck="name")))
		frappe.set_user(self.team["outsider"])
		self.assertFalse(frappe.has_permission(OPPORTUNITY, "read", mine.name))
		frappe.set_user(self.team["sales_b"])
		frappe.share.add_docshare(
			OPPORTUNITY, theirs.name, self.team["sales_a"], read=1, flags={"ignore_share_permission": True}
		)
		frappe.set_user(self.team["sales_a"])
		self.assertTrue(frappe.has_permission(OPPORTUNITY, "read", theirs.name))
		self.assertFalse(frappe.has_permission(OPPORTUNITY, "write", theirs.name))

	def test_the_board_answers_each_stage_column_bounded_and_scoped(self):
		from crm_suite.api.overrides import reportview_get
		from crm_suite.services.sales import board

		first = [self.own_opportunity("sales_a") for _ in range(3)]
		self.advance_to_quote(first[0].name)
		theirs = self.own_opportunity("sales_b")
		request = {
			"doctype": OPPORTUNITY,
			"fields": json.dumps([f"`tab{OPPORTUNITY}`.`name`", f"`tab{OPPORTUNITY}`.`stage`"]),
			"filters": json.dumps([[OPPORTUNITY, "status", "=", "Open"]]),
			"view": "Kanban",
			"page_length": 0,
		}
		frappe.set_user(self.team["sales_a"])
		columns = patch.object(board, "stage_values", return_value=[first[1].stage, QUOTE])
		form = patch.dict(frappe.local.form_dict, request, clear=True)
		with columns, form, patch.object(board, "COLUMN_CARDS", 1):  # 3 cards, 2 columns of 1: bounded
			answer = reportview_get()
		names = [row[answer["keys"].index("name")] for row in answer["values"]]
		stages = [row[answer["keys"].index("stage")] for row in answer["values"]]
		self.assertEqual(len(names), 2)  # one card of each column
		self.assertEqual(sorted(stages), sorted({QUOTE, first[1].stage}))
		self.assertNotIn(theirs.name, names)
		with columns, form, patch.object(board, "COLUMN_CARDS", 2):  # room for all 3: every card
			answer = reportview_get()
		self.assertEqual(
			sorted(row[answer["keys"].index("name")] for row in answer["values"]),
			sorted(o.name for o in first),
		)
		# any other view of the list is Frappe's own answer
		with patch.dict(frappe.local.form_dict, {**request, "view": "List", "page_length": 20}, clear=True):
			listed = reportview_get()
		self.assertEqual(len(listed["values"]), 3)

	def test_salesperson_cannot_make_an_opportunity_on_someone_elses_customer(self):
		frappe.set_user(self.team["sales_b"])
		customer = make_customer(salesperson=self.team["sales_b"], lifecycle_state="Following").name
		frappe.set_user(self.team["sales_a"])
		self.assertRaises(frappe.PermissionError, make_opportunity, customer)

	def test_a_move_by_someone_else_tells_the_owner(self):
		opp = self.own_opportunity(needs="CRM")
		frappe.set_user(self.team["manager"])
		stage_service.move_stage(opp.name, NEEDS, feedback="经理推进")
		notices = frappe.get_all(
			"Notification Log",
			filters={"for_user": self.team["sales_a"], "document_name": opp.name},
			fields=["subject", "from_user"],
		)
		self.assertEqual(len(notices), 1)
		self.assertEqual(notices[0].from_user, self.team["manager"])
		self.assertIn(NEEDS, notices[0].subject)
		frappe.set_user(self.team["sales_a"])
		stage_service.move_stage(
			opp.name, QUOTE, values={"expected_amount": 1, "expected_close_date": getdate()}
		)
		self.assertEqual(
			frappe.db.count("Notification Log", {"document_name": opp.name}), 1, "own moves tell nobody"
		)

	def test_overdue_opportunities_are_flagged_once(self):
		opp = self.own_opportunity(expected_close_date=add_days(getdate(), -1))
		done = self.own_opportunity(expected_close_date=add_days(getdate(), -1))
		frappe.db.set_value(OPPORTUNITY, done.name, "status", "Won")
		frappe.set_user("Administrator")
		frappe.db.delete("Notification Log", {"for_user": self.team["sales_a"]})
		counts = flag_overdue_opportunities()
		self.assertEqual(counts.get(self.team["sales_a"]), 1)
		self.assertEqual(frappe.db.get_value(OPPORTUNITY, opp.name, "overdue_notified"), 1)
		self.assertEqual(frappe.db.count("Notification Log", {"for_user": self.team["sales_a"]}), 1)
		self.assertEqual(flag_overdue_opportunities().get(self.team["sales_a"]), None, "flagged once")

	def test_lead_conversion_makes_the_opportunity(self):
		frappe.db.set_single_value("CRM Suite Settings", "required_customer_fields", "customer_name")
		frappe.set_user(self.team["sales_a"])
		lead = frappe.get_doc(
			{
				"doctype": "Sales Lead",
				"lead_name": "商机线索",
				"company_name": f"商机{frappe.generate_hash(length=6)}科技有限公司",
				"contact_name": "李女士",
				"salesperson": self.team["sales_a"],
			}
		).insert(ignore_permissions=True)
		result = lead_service.convert_lead(lead.name)
		opp = frappe.get_doc(OPPORTUNITY, result["opportunity"])
		self.assertEqual(
			(opp.customer, opp.sales_lead, opp.salesperson, opp.stage),
			(result["customer"], lead.name, self.team["sales_a"], FIRST),
		)
		self.assertEqual(lead_service.convert_lead(lead.name)["opportunity"], opp.name)
		self.assertEqual(frappe.db.count(OPPORTUNITY, {"sales_lead": lead.name}), 1)

	def test_new_opportunity_values_from_a_follow_up(self):
		from crm_suite.services.sales.opportunities import values_from_follow_up

		frappe.set_user(self.team["sales_a"])
		customer = make_customer(salesperson=self.team["sales_a"], lifecycle_state="Following")
		record = frappe.get_doc(
			{
				"doctype": "Follow Up Record",
				"customer": customer.name,
				"method": "Phone",
				"content": "想要 CRM",
			}
		).insert()
		values = values_from_follow_up(record.name)
		self.assertEqual(
			(values["customer"], values["follow_up"], values["needs"]),
			(customer.name, record.name, "想要 CRM"),
		)
		make_opportunity(**{k: v for k, v in values.items() if k != "doctype"})


def moves_without_their_creation(opportunities: list[str] | None = None) -> list[str]:
	"""Moves whose copy of their opportunity's creation is missing or differs from it."""
	o, log = frappe.qb.DocType(OPPORTUNITY), frappe.qb.DocType("Opportunity Stage Log")
	query = (
		frappe.qb.from_(log)
		.join(o)
		.on(o.name == log.opportunity)
		.select(log.name)
		.where(log.opportunity_created.isnull() | (log.opportunity_created != o.creation))
	)
	if opportunities is not None:
		query = query.where(log.opportunity.isin(opportunities or [""]))
	return [name for (name,) in query.run()]


class TestSalesReports(SalesTestCase):
	"""A small known dataset: four opportunities of sales_a, two of sales_b, in the default process."""

	def setUp(self):
		super().setUp()
		frappe.set_user("Administrator")
		frappe.db.delete(OPPORTUNITY)
		frappe.db.delete(pipeline_rollup.HOLDING)  # counts every open opportunity: none now
		frappe.db.delete("Opportunity Stage Log")
		frappe.db.delete("Sales Target")
		rival = frappe.get_doc(
			{"doctype": "Rival Company", "rival_name": "测试对手", "relation": "Competitor"}
		).insert()
		self.rival = rival.name
		a = [self.own_opportunity("sales_a", needs="CRM", rivals=[{"rival": rival.name}]) for _ in range(4)]
		b = [self.own_opportunity("sales_b", needs="CRM") for _ in range(2)]
		frappe.set_user(self.team["sales_a"])
		for opp in a[:3]:
			stage_service.move_stage(opp.name, NEEDS, feedback="ok")
		self.advance_rest = lambda name: stage_service.move_stage(
			name, QUOTE, values={"expected_amount": 100000, "expected_close_date": getdate()}
		)
		for opp in a[:2]:
			self.advance_rest(opp.name)
		stage_service.move_stage(a[0].name, WON, feedback="签约")
		stage_service.move_stage(a[1].name, LOST, feedback="贵", loss_reason="价格过高")
		frappe.set_user(self.team["sales_b"])
		stage_service.move_stage(b[0].name, NEEDS, feedback="ok")
		frappe.set_user("Administrator")
		frappe.get_doc(
			{
				"doctype": "Sales Target",
				"salesperson": self.team["sales_a"],
				"target_month": getdate(),
				"planned_amount": 400000,
				"planned_count": 2,
			}
		).insert()

	def test_stage_conversion_counts_reached_lost_and_conversion(self):
		frappe.set_user(self.team["manager"])
		_cols, data, _msg, chart, summary = opportunity_stage_conversion.execute({})
		rows = {r["stage"]: r for r in data}
		self.assertEqual([r["stage"] for r in data], [FIRST, NEEDS, QUOTE, NEGOTIATE, WON])
		self.assertEqual([rows[s]["reached"] for s in (FIRST, NEEDS, QUOTE, NEGOTIATE, WON)], [6, 4, 2, 1, 1])
		self.assertEqual(rows[FIRST]["conversion"], round(100 * 4 / 6, 1))
		self.assertEqual(rows[QUOTE]["lost"], 1)
		self.assertEqual(rows[FIRST]["standing"], 2)
		self.assertEqual(rows[NEEDS]["standing"], 2)
		self.assertEqual(rows[FIRST]["median_days"], 0)
		self.assertEqual(chart["data"]["datasets"][0]["values"], [6, 4, 2, 1, 1])
		self.assertEqual({s["label"]: s["value"] for s in summary}[frappe._("Win Rate")], 50.0)
		# a period (today: every opportunity here) reads the opportunities in scope first, then their moves —
		# the same figures, medians included, for the manager and for a salesperson
		today = {"from_date": str(getdate()), "to_date": str(getdate())}
		self.assertEqual(opportunity_stage_conversion.execute(today)[1], data)
		frappe.set_user(self.team["sales_b"])
		everything = opportunity_stage_conversion.execute({})[1]
		rows = {r["stage"]: r for r in everything}
		self.assertEqual((rows[FIRST]["reached"], rows[NEEDS]["reached"], rows[QUOTE]["reached"]), (2, 1, 0))
		self.assertEqual(opportunity_stage_conversion.execute(today)[1], everything)
		# an opportunity shared with sales_b counts for them in a period as without one (ORG-03)
		frappe.set_user("Administrator")
		shared = frappe.get_all(
			OPPORTUNITY, filters={"salesperson": self.team["sales_a"]}, pluck="name", limit=1
		)[0]
		frappe.share.add(OPPORTUNITY, shared, self.team["sales_b"], read=1)
		frappe.set_user(self.team["sales_b"])
		everything = opportunity_stage_conversion.execute({})[1]
		self.assertEqual({r["stage"]: r for r in everything}[FIRST]["reached"], 3)
		self.assertEqual(opportunity_stage_conversion.execute(today)[1], everything)

	def test_a_period_reads_the_moves_of_the_opportunities_created_in_it(self):
		"""Each move carries its opportunity's creation (written by the stage service; the patch fills older
		moves): the medians of a period are those of its opportunities' moves only (RPT-04, issue 17)."""
		from crm_suite.patches.v1_0 import stage_log_opportunity_created

		self.assertEqual(moves_without_their_creation(), [])
		# sales_b's opportunities as if made yesterday, their moves as the patch finds moves made before it
		theirs = frappe.get_all(OPPORTUNITY, filters={"salesperson": self.team["sales_b"]}, pluck="name")
		o, log = frappe.qb.DocType(OPPORTUNITY), frappe.qb.DocType("Opportunity Stage Log")
		yesterday = add_days(now_datetime(), -1)
		frappe.qb.update(o).set(o.creation, yesterday).where(o.name.isin(theirs)).run()
		frappe.qb.update(log).set(log.opportunity_created, None).set(log.days_in_previous_stage, 5).where(
			log.opportunity.isin(theirs)
		).run()
		with patch.object(frappe.db, "commit"):  # the patch commits per chunk; the test's data must not be
			stage_log_opportunity_created.execute()
		self.assertEqual(moves_without_their_creation(), [])
		frappe.set_user(self.team["manager"])
		today, before = str(getdate()), str(getdate(yesterday))
		rows = {
			r["stage"]: r
			for r in opportunity_stage_conversion.execute({"from_date": today, "to_date": today})[1]
		}
		self.assertEqual((rows[FIRST]["reached"], rows[FIRST]["median_days"]), (4, 0))
		rows = {
			r["stage"]: r
			for r in opportunity_stage_conversion.execute({"from_date": before, "to_date": before})[1]
		}
		self.assertEqual((rows[FIRST]["reached"], rows[FIRST]["median_days"]), (2, 5))
		# sales_a sees none of sales_b's moves in that period (ORG-03)
		frappe.set_user(self.team["sales_a"])
		rows = {
			r["stage"]: r
			for r in opportunity_stage_conversion.execute({"from_date": before, "to_date": before})[1]
		}
		self.assertEqual((rows[FIRST]["reached"], rows[FIRST]["median_days"]), (0, None))

	def test_median_of_histogram(self):
		median = opportunity_stage_conversion.median_of_histogram
		self.assertEqual(median([(1.0, 1), (2.0, 1), (10.0, 1)]), 2.0)
		self.assertEqual(median([(1.0, 2), (3.0, 2)]), 2.0)
		self.assertEqual(median([]), 0.0)

	def test_pipeline_totals_per_stage(self):
		frappe.set_user(self.team["sales_a"])
		data = sales_pipeline.execute({})[1]
		rows = {r["stage"]: r for r in data}
		self.assertEqual(rows[FIRST]["opportunities"], 1)
		self.assertEqual(rows[NEEDS]["opportunities"], 1)
		self.assertEqual(rows[QUOTE]["opportunities"], 0)
		self.assertEqual(data[-1]["opportunities"], 2)

	def test_rival_win_loss(self):
		frappe.set_user(self.team["manager"])
		data = rival_win_loss.execute({})[1]
		row = next(r for r in data if r.rival == self.rival)
		self.assertEqual((row.opportunities, row.won, row.lost, row.open, row.win_rate), (4, 1, 1, 2, 50.0))
		self.assertEqual(float(row.won_amount), 100000.0)
		frappe.set_user(self.team["sales_b"])
		self.assertFalse([r for r in rival_win_loss.execute({})[1] if r.rival == self.rival])

	def test_target_attainment_per_salesperson_and_department(self):
		month = str(get_first_day(getdate()))
		frappe.set_user(self.team["manager"])
		data = sales_target_attainment.execute({"from_month": month, "to_month": month})[1]
		person = next(r for r in data if r["label"] == self.team["sales_a"])
		self.assertEqual(
			(person["planned_amount"], person["actual_amount"], person["amount_attainment"]),
			(400000.0, 100000.0, 25.0),
		)
		self.assertEqual(
			(person["planned_count"], person["actual_count"], person["count_attainment"]), (2, 1, 50.0)
		)
		department = next(r for r in data if r["indent"] == 0 and r["row_id"] == person["parent_row"])
		self.assertEqual(department["actual_amount"], 100000.0)
		frappe.set_user(self.team["sales_b"])
		data = sales_target_attainment.execute({"from_month": month, "to_month": month})[1]
		self.assertFalse([r for r in data if r["label"] == self.team["sales_a"]])
		frappe.set_user(self.team["sales_a"])
		self.assertEqual(sales_target_attainment.month_attainment(), 25.0)

	def test_reports_run_over_filter_combinations(self):
		frappe.set_user(self.team["manager"])
		today = str(getdate())
		for filters in ({}, {"salesperson": self.team["sales_a"]}, {"from_date": today, "to_date": today}):
			self.assertTrue(opportunity_stage_conversion.execute(filters)[1])
			self.assertTrue(sales_pipeline.execute(filters)[1])
		self.assertTrue(rival_win_loss.execute({"relation": "Competitor", "from_date": today})[1])
		self.assertEqual(rival_win_loss.execute({"relation": "Partner"})[1], [])
		self.assertIsNotNone(now_datetime())


class TestSalesSeedAndDemo(SalesTestCase):
	def test_seeding_is_idempotent_and_the_board_follows_the_process(self):
		from crm_suite.install import ensure_sales_defaults

		ensure_sales_defaults()
		ensure_sales_defaults()
		self.assertEqual(frappe.db.count("Sales Process", {"name": DEFAULT_PROCESS}), 1)
		board = frappe.get_doc("Kanban Board", DEFAULT_PROCESS)
		self.assertEqual(
			[c.column_name for c in board.columns if c.status == "Active"],
			[FIRST, NEEDS, QUOTE, NEGOTIATE, WON, LOST, INVALID],
		)
		options = frappe.get_meta(OPPORTUNITY).get_field("stage").options.split("\n")
		self.assertEqual(options[:7], [FIRST, NEEDS, QUOTE, NEGOTIATE, WON, LOST, INVALID])

	def test_demo_opportunities_are_written_with_their_history(self):
		from crm_suite.demo.load import load_opportunities

		frappe.set_user("Administrator")
		for _ in range(3):
			make_customer(salesperson=self.team["sales_a"], lifecycle_state="Following")
		result = load_opportunities(per_salesperson=3, salespeople=[self.team["sales_a"]], commit=False)
		self.assertEqual(result["opportunities"], 3)
		made = frappe.get_all(
			OPPORTUNITY, filters={"salesperson": self.team["sales_a"]}, fields=["name", "stage", "status"]
		)
		self.assertEqual(len(made), 3)
		self.assertEqual(
			frappe.db.count("Opportunity Stage Log", {"opportunity": ("in", [m.name for m in made])}),
			result["history"],
		)
		# each bulk-written move carries its opportunity's creation (the conversion report's period, RPT-04)
		self.assertEqual(moves_without_their_creation([m.name for m in made]), [])
		frappe.set_user(self.team["sales_a"])
		new = self.own_opportunity()
		self.assertNotIn(new.name, {m.name for m in made}, "the naming series continues after the bulk rows")

	def test_an_admin_reassignment_takes_the_history_along(self):
		opp = self.own_opportunity("sales_a", needs="CRM")
		stage_service.move_stage(opp.name, NEEDS, feedback="ok")
		frappe.set_user(self.team["admin"])
		doc = frappe.get_doc(OPPORTUNITY, opp.name)
		doc.salesperson = self.team["sales_b"]
		doc.save()
		frappe.set_user(self.team["sales_b"])
		self.assertEqual(
			len(frappe.get_list("Opportunity Stage Log", filters={"opportunity": opp.name}, pluck="name")), 2
		)
		frappe.set_user(self.team["sales_a"])
		self.assertEqual(frappe.get_list("Opportunity Stage Log", filters={"opportunity": opp.name}), [])
		self.assertFalse(frappe.has_permission(OPPORTUNITY, "read", opp.name))
