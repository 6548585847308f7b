"""Sales pipeline over REST (SPEC SALE-01, SALE-02, SALE-03): a salesperson makes an opportunity and moves it
through the default process with the API token integrators use; a plain PUT follows the same stage rules;
a stale move is a 409; other salespeople, devices and Website Users are kept out; bad input is a 4xx."""

import json
import time

import pytest
from conftest import WEB_URL, Client, exc_type

OPPORTUNITY = "Sales Opportunity"
FIRST, NEEDS, QUOTE, NEGOTIATE = "初步接洽", "需求确认", "方案报价", "商务谈判"


def put(client: Client, name: str, values: dict):
	return client.http.put(f"{WEB_URL}/api/resource/{OPPORTUNITY}/{name}", json=values, timeout=30)


@pytest.fixture(scope="module")
def sales(stack, admin, team) -> dict:
	suffix = str(int(time.time()))
	customers = {
		key: admin.insert(
			"Customer Account",
			{
				"customer_name": f"商机端到端{key}{suffix}有限公司",
				"website": "https://opp.example.cn",
				"salesperson": team[key]["user"],
			},
		)["name"]
		for key in ("a", "b")
	}
	clients = {key: Client(WEB_URL, token=team[key]["token"]) for key in ("a", "b", "m")}
	return {"customers": customers, "clients": clients, "team": team, "admin": admin}


def new_opportunity(sales, key="a", **values) -> dict:
	r = sales["clients"][key].http.post(
		f"{WEB_URL}/api/resource/{OPPORTUNITY}",
		json={"opportunity_title": "端到端商机", "customer": sales["customers"][key], **values},
		timeout=30,
	)
	assert r.status_code == 200, r.text
	return r.json()["data"]


def test_salesperson_makes_and_moves_an_opportunity(sales):
	a = sales["clients"]["a"]
	opp = new_opportunity(sales, expected_amount=80000)
	assert (opp["stage"], opp["status"], opp["probability"], opp["salesperson"]) == (
		FIRST, "Open", 10, sales["team"]["a"]["user"],
	)  # fmt: skip
	r = a.call("crm_suite.api.sales.move_stage", opportunity=opp["name"], to_stage=NEEDS, feedback="沟通")
	assert r.status_code == 417 and exc_type(r) == "StageMoveRefused", r.text  # needs missing
	r = a.call(
		"crm_suite.api.sales.move_stage",
		opportunity=opp["name"],
		to_stage=NEEDS,
		feedback="客户确认需求",
		expected_stage=FIRST,
		values={"needs": "呼叫中心"},
	)
	assert r.status_code == 200, r.text
	assert (r.json()["message"]["stage"], r.json()["message"]["probability"]) == (NEEDS, 30)
	# the same move again, from what the user saw before: a conflict, not a second history row
	r = a.call(
		"crm_suite.api.sales.move_stage",
		opportunity=opp["name"],
		to_stage=NEEDS,
		feedback="again",
		expected_stage=FIRST,
	)
	assert r.status_code == 409 and exc_type(r) == "StageChanged", r.text
	history = a.rows("Opportunity Stage Log", [["opportunity", "=", opp["name"]]], ["from_stage", "to_stage"])
	assert sorted((h["from_stage"] or "", h["to_stage"]) for h in history) == [("", FIRST), (FIRST, NEEDS)]


def test_a_rest_put_follows_the_stage_rules(sales):
	a = sales["clients"]["a"]
	opp = new_opportunity(sales)
	r = put(a, opp["name"], {"stage": NEGOTIATE})
	assert r.status_code == 417 and exc_type(r) == "StageMoveRefused", r.text
	r = put(a, opp["name"], {"status": "Won", "deal_date": "2026-01-01", "furthest_stage_index": 4})
	assert r.status_code == 200, r.text
	stored = a.resource(OPPORTUNITY, opp["name"]).json()["data"]
	assert (stored["status"], stored.get("deal_date"), stored.get("furthest_stage_index") or 0) == (
		"Open",
		None,
		0,
	)
	r = put(a, opp["name"], {"stage": NEEDS, "needs": "CRM", "stage_feedback": "电话确认"})
	assert r.status_code == 200, r.text
	assert r.json()["data"]["stage"] == NEEDS


def test_scope_and_role_guards(sales, role_clients):
	opp = new_opportunity(sales)
	b, m = sales["clients"]["b"], sales["clients"]["m"]
	assert b.resource(OPPORTUNITY, opp["name"]).status_code == 403
	assert opp["name"] not in {r["name"] for r in b.rows(OPPORTUNITY, [])}
	r = b.call("crm_suite.api.sales.move_stage", opportunity=opp["name"], to_stage=NEEDS, feedback="x")
	assert r.status_code == 403, r.text
	assert opp["name"] in {r["name"] for r in m.rows(OPPORTUNITY, [])}
	r = m.call(
		"crm_suite.api.sales.move_stage",
		opportunity=opp["name"],
		to_stage=NEEDS,
		feedback="经理推进",
		values={"needs": "CRM"},
	)
	assert r.status_code == 200, r.text
	notices = sales["admin"].rows(
		"Notification Log",
		[["document_name", "=", opp["name"]], ["for_user", "=", sales["team"]["a"]["user"]]],
		["from_user", "subject"],
	)
	assert [n["from_user"] for n in notices] == [sales["team"]["m"]["user"]]
	for role in ("device", "website", "guest"):
		client = role_clients[role]["client"]
		r = client.call("crm_suite.api.sales.move_stage", opportunity=opp["name"], to_stage=QUOTE)
		assert r.status_code in (401, 403), (role, r.status_code, r.text)
		assert client.resource(OPPORTUNITY, opp["name"]).status_code in (401, 403), role


KANBAN_DRAG = "frappe.desk.doctype.kanban_board.kanban_board.update_order_for_single_card"
BOARD = "标准销售流程"


def drag(client: Client, name: str, from_stage: str, to_stage: str, **answers):
	"""The call Frappe's Kanban board makes when a card is dropped, with what the app's drag dialog adds."""
	return client.call(
		KANBAN_DRAG,
		board_name=BOARD,
		docname=name,
		from_colname=from_stage,
		to_colname=to_stage,
		old_index=0,
		new_index=0,
		**answers,
	)


def test_a_kanban_drag_asks_and_moves_under_the_stage_rules(sales):
	a, b = sales["clients"]["a"], sales["clients"]["b"]
	opp = new_opportunity(sales)
	r = a.call("crm_suite.api.sales.move_requirements", http="GET", opportunity=opp["name"], to_stage=NEEDS)
	assert r.status_code == 200, r.text
	needs = r.json()["message"]
	assert needs["feedback"] and [f["fieldname"] for f in needs["fields"]] == ["needs"], needs
	r = drag(a, opp["name"], FIRST, NEEDS)  # dropped without the dialog's answers
	assert r.status_code == 417 and exc_type(r) == "StageMoveRefused", r.text
	assert drag(b, opp["name"], FIRST, NEEDS, feedback="x").status_code == 403  # not b's
	r = drag(a, opp["name"], FIRST, NEEDS, feedback="看板拖动", values=json.dumps({"needs": "CRM"}))
	assert r.status_code == 200, r.text
	column = next(c for c in r.json()["message"]["columns"] if c["column_name"] == NEEDS)
	assert opp["name"] in json.loads(column["order"])
	assert a.resource(OPPORTUNITY, opp["name"]).json()["data"]["stage"] == NEEDS
	r = drag(a, opp["name"], FIRST, QUOTE, values=json.dumps({"expected_amount": 1}))  # the stale column
	assert r.status_code == 409 and exc_type(r) == "StageChanged", r.text


@pytest.mark.parametrize(
	"params, status",
	[
		({"to_stage": "不存在的阶段"}, 417),
		({"to_stage": "输单", "feedback": "贵"}, 417),  # lost without a loss reason
		({"to_stage": NEEDS, "values": "not json"}, 417),
		({"to_stage": NEEDS, "values": {"salesperson": "Administrator"}}, 417),
		({"to_stage": NEEDS, "values": [1, 2]}, 417),
	],
)
def test_bad_input_is_a_4xx_never_a_500(sales, params, status):
	opp = new_opportunity(sales)
	r = sales["clients"]["a"].call("crm_suite.api.sales.move_stage", opportunity=opp["name"], **params)
	assert r.status_code == status, r.text


def test_unknown_opportunity_is_a_404(sales):
	r = sales["clients"]["a"].call("crm_suite.api.sales.move_stage", opportunity="OPP-无此", to_stage=NEEDS)
	assert r.status_code == 404, r.text


def test_conversion_report_over_rest_is_scoped(sales):
	new_opportunity(sales, "b")
	runs = {}
	for key in ("b", "m"):
		r = sales["clients"][key].call(
			"frappe.desk.query_report.run",
			report_name="Opportunity Stage Conversion",
			filters=json.dumps({}),
		)
		assert r.status_code == 200, r.text
		runs[key] = {row["stage"]: row["reached"] for row in r.json()["message"]["result"]}
	assert runs["b"][FIRST] >= 1
	assert runs["m"][FIRST] > runs["b"][FIRST]  # the manager also sees A's opportunities
