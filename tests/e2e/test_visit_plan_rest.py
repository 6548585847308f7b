"""Visit plans (SPEC FUP-03) and follow-up queries (SPEC FUP-05) over REST, as the README's demo users on a
site made the way scripts/setup.sh makes the demo site: plan, log a follow-up that completes it, a manager
assigns within the team and is refused outside it, role guards, and bad input answered 4xx, never 500."""

import json
import os
import signal
from datetime import date, timedelta

import pytest
from conftest import DEMO_SITE, WEB_PORT, Client, _start, _wait_http, web_process

DEMO_PORT = WEB_PORT + 2  # the Desk test's demo web process uses +1
DEMO_URL = f"http://127.0.0.1:{DEMO_PORT}"
PASSWORD = "Demo@2026"
TODAY = date.today().isoformat()
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def demo_url():
	if not DEMO_SITE:
		pytest.skip("no demo site was made for this run (scripts/test.sh makes one with make_demo_site)")
	proc = _start("web-demo-visit", web_process(DEMO_SITE, DEMO_PORT))
	try:
		_wait_http(f"{DEMO_URL}/api/method/ping")
		yield DEMO_URL
	finally:
		os.killpg(proc.pid, signal.SIGTERM)
		proc.wait(timeout=20)


def login(url: str, local: str) -> Client:
	return Client(url).login(f"{local}@crm-suite.demo", PASSWORD)


def own_customer(client: Client, user: str) -> str:
	rows = client.rows("Customer Account", [["salesperson", "=", user]])
	assert rows, f"the demo gives {user} customers"
	return rows[-1]["name"]


def post(client: Client, doctype: str, doc: dict):
	return client.http.post(f"{client.base}/api/resource/{doctype}", json=doc, timeout=30)


def test_plan_then_follow_up_completes_it(demo_url):
	sales1, sales2 = login(demo_url, "sales1"), login(demo_url, "sales2")
	customer = own_customer(sales1, "sales1@crm-suite.demo")
	plan = sales1.insert(
		"Visit Plan",
		{"customer": customer, "subject": "端到端拜访", "planned_date": TODAY, "start_time": "10:00:00"},
	)
	assert plan["salesperson"] == "sales1@crm-suite.demo" and plan["status"] == "Planned"
	assert sales2.resource("Visit Plan", plan["name"]).status_code == 403
	# the calendar shows it to its owner only
	window = {"start": TODAY, "end": (date.today() + timedelta(days=1)).isoformat()}
	r = sales1.call("crm_suite.api.follow_up.visit_plan_events", http="GET", **window)
	assert r.status_code == 200 and plan["name"] in [e["name"] for e in r.json()["message"]]
	r = sales2.call("crm_suite.api.follow_up.visit_plan_events", http="GET", **window)
	assert r.status_code == 200 and plan["name"] not in [e["name"] for e in r.json()["message"]]

	method = sales1.rows("Follow Up Method", [])[0]["name"]
	record = sales1.insert(
		"Follow Up Record",
		{"customer": customer, "visit_plan": plan["name"], "method": method, "content": "已拜访"},
	)
	done = sales1.resource("Visit Plan", plan["name"]).json()["data"]
	assert (done["status"], done["completed_by"]) == ("Done", record["name"])
	again = post(
		sales1,
		"Follow Up Record",
		{"customer": customer, "visit_plan": plan["name"], "method": method, "content": "再次"},
	)
	assert 400 <= again.status_code < 500, again.text

	# the follow-up query finds it for its salesperson, not for a colleague
	# the site's day (Asia/Shanghai) may be the host's tomorrow: a window around today
	period = {"from_date": YESTERDAY, "to_date": TOMORROW}
	query = {"report_name": "Follow Up Query", "filters": json.dumps(period)}
	r = sales1.call("frappe.desk.query_report.run", **query)
	assert r.status_code == 200, r.text
	assert record["name"] in [
		row.get("name") for row in r.json()["message"]["result"] if isinstance(row, dict)
	]
	r = sales2.call("frappe.desk.query_report.run", **query)
	assert r.status_code == 200, r.text
	assert record["name"] not in [
		row.get("name") for row in r.json()["message"]["result"] if isinstance(row, dict)
	]


def test_manager_assigns_within_the_team_only(demo_url):
	manager, sales1 = login(demo_url, "manager"), login(demo_url, "sales1")
	customer = own_customer(manager, "sales2@crm-suite.demo")
	plan = manager.insert(
		"Visit Plan",
		{
			"customer": customer,
			"subject": "经理安排",
			"planned_date": TODAY,
			"salesperson": "sales2@crm-suite.demo",
		},
	)
	assert plan["salesperson"] == "sales2@crm-suite.demo"
	refused = post(
		manager,
		"Visit Plan",
		{
			"customer": customer,
			"subject": "越权",
			"planned_date": TODAY,
			"salesperson": "admin@crm-suite.demo",
		},
	)
	assert refused.status_code == 403, refused.text
	assert "admin@crm-suite.demo" in refused.text
	own = own_customer(sales1, "sales1@crm-suite.demo")
	refused = post(
		sales1,
		"Visit Plan",
		{
			"customer": own,
			"subject": "替同事安排",
			"planned_date": TODAY,
			"salesperson": "sales2@crm-suite.demo",
		},
	)
	assert refused.status_code == 403, refused.text


def test_role_guards_and_bad_input_are_4xx(demo_url):
	sales1 = login(demo_url, "sales1")
	guest = Client(demo_url)
	r = guest.call("crm_suite.api.follow_up.visit_plan_events", http="GET", start=TODAY, end=TODAY)
	assert r.status_code in (401, 403), r.text
	assert guest.resource("Visit Plan").status_code in (401, 403)
	customer = own_customer(sales1, "sales1@crm-suite.demo")
	for bad in (
		{"customer": customer, "subject": "x", "planned_date": "not-a-date"},
		{
			"customer": customer,
			"subject": "x",
			"planned_date": TODAY,
			"start_time": "11:00",
			"duration": -5,
		},
		{"customer": "无此客户", "subject": "x", "planned_date": TODAY},
		{"customer": customer, "planned_date": TODAY},
	):
		r = post(sales1, "Visit Plan", bad)
		assert 400 <= r.status_code < 500, (bad, r.status_code, r.text[:200])
	for args in ({"start": "bad", "end": TODAY}, {"start": TODAY, "end": TODAY, "filters": "{broken"}):
		r = sales1.call("crm_suite.api.follow_up.visit_plan_events", http="GET", **args)
		assert 400 <= r.status_code < 500, (args, r.status_code, r.text[:200])
	r = sales1.call(
		"frappe.desk.query_report.run",
		report_name="Follow Up Query",
		filters=json.dumps({"from_date": "nonsense", "to_date": TODAY}),
	)
	assert 400 <= r.status_code < 500, r.text[:200]
