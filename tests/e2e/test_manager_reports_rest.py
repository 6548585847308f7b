"""Managers build their own reports without code and publish them to the team (issue 17; SPEC RPT-12), over
REST as the CRM Manager of the e2e team (no System Manager, no Script Manager, no Workspace Manager): a
Report Builder report grouped by lifecycle state on Customer Account is saved with Frappe's own Save As,
reopened and run grouped in the runner's row scope, published to the Team Reports workspace, where a
salesperson finds it; a Script or Query report saved by the manager is still refused, and so is publishing a
script report, or publishing as a salesperson."""

import json
import time

import pytest
from conftest import WEB_URL, Client, exc_type
from conftest import post_resource as _post

SAVE = "frappe.desk.reportview.save_report"
PUBLISH = "crm_suite.api.reports.publish_report"
GROUP_BY = "`tabCustomer Account`.`lifecycle_state`"


def grouped_counts(client: Client) -> dict[str, int]:
	"""The Report Builder's group-by query, as the report view sends it: lifecycle state → customers."""
	r = client.call(
		"frappe.desk.reportview.get",
		doctype="Customer Account",
		fields=json.dumps([GROUP_BY]),
		group_by=GROUP_BY,
		aggregate_function="count",
		aggregate_on_field="name",
		aggregate_on_doctype="Customer Account",
		order_by="_aggregate_column desc",
		with_comment_count=0,
		page_length=0,
	)
	assert r.status_code == 200, r.text
	message = r.json()["message"] or {}  # nothing to group: an empty list
	return {row[0]: row[1] for row in message.get("values", [])}


@pytest.fixture(scope="module")
def built(team) -> dict:
	manager = Client(WEB_URL, token=team["m"]["token"])
	name = f"经理的客户阶段分组{int(time.time())}"
	for key in ("a", "b"):  # customers of both teams, so that the grouped counts are not empty
		Client(WEB_URL, token=team[key]["token"]).insert(
			"Customer Account", {"customer_name": f"{name}{key}有限公司", "website": "https://rb.cn"}
		)
	settings = {
		"fields": [["lifecycle_state", "Customer Account"]],
		"filters": [],
		"order_by": "`tabCustomer Account`.`modified` desc",
		"group_by": {
			"group_by": GROUP_BY,
			"aggregate_function": "count",
			"aggregate_on_field": "name",
			"aggregate_on_doctype": "Customer Account",
		},
		"add_totals_row": 0,
		"page_length": 20,
	}
	r = manager.call(SAVE, name=name, doctype="Customer Account", report_settings=json.dumps(settings))
	assert r.status_code == 200, r.text
	return {"manager": manager, "report": r.json()["message"], "settings": settings}


def test_a_manager_saves_and_reopens_a_grouped_report_builder_report(built, admin, team):
	stored = admin.resource("Report", built["report"]).json()["data"]
	assert (stored["report_type"], stored["is_standard"], stored["ref_doctype"]) == (
		"Report Builder",
		"No",
		"Customer Account",
	)
	assert stored["owner"] == team["m"]["user"]
	assert not stored.get("query") and not stored.get("report_script")
	assert json.loads(stored["json"])["group_by"]["group_by"] == GROUP_BY
	# reopened by its maker: the saved settings come back
	r = built["manager"].resource("Report", built["report"])
	assert r.status_code == 200 and json.loads(r.json()["data"]["json"]) == built["settings"], r.text
	# the grouped counts are the runner's row scope: a salesperson's add up to the customers they see
	salesperson = Client(WEB_URL, token=team["a"]["token"])
	counts = grouped_counts(salesperson)
	visible = salesperson.rows("Customer Account", [])
	assert sum(counts.values()) == len(visible) > 0
	assert sum(grouped_counts(built["manager"]).values()) == len(
		built["manager"].rows("Customer Account", [])
	)


def test_a_manager_publishes_it_and_the_team_finds_it(built, team):
	manager = built["manager"]
	r = manager.call(PUBLISH, report=built["report"], label="客户阶段分组")
	assert r.status_code == 200, r.text
	published = r.json()["message"]
	assert published["workspace"] == "Team Reports"
	# publishing again changes nothing
	assert manager.call(PUBLISH, report=built["report"]).status_code == 200
	salesperson = Client(WEB_URL, token=team["a"]["token"])
	page = json.dumps({"name": "Team Reports", "title": "Team Reports", "public": 1})
	r = salesperson.call("frappe.desk.desktop.get_desktop_page", page=page)
	assert r.status_code == 200, r.text
	links = [
		link
		for card in r.json()["message"]["cards"]["items"]
		for link in card.get("links", [])
		if link.get("link_to") == built["report"]
	]
	assert len(links) == 1 and links[0]["label"] == "客户阶段分组"
	r = salesperson.resource("Report", built["report"])
	assert r.status_code == 200, r.text


def test_scripting_stays_refused_to_the_manager(built, team):
	manager = built["manager"]
	stamp = int(time.time())
	for report_type, code in (
		("Script Report", {"report_script": "result = [frappe.db.sql('select 1')]"}),
		("Query Report", {"query": "select name from `tabUser`"}),
	):
		r = _post(
			manager,
			"Report",
			{
				"report_name": f"经理脚本{report_type}{stamp}",
				"ref_doctype": "Customer Account",
				"report_type": report_type,
				"is_standard": "No",
				**code,
			},
		)
		assert r.status_code == 403, (report_type, r.status_code, r.text[:300])
	# Report Builder's Save As cannot turn an existing script report into anything
	r = manager.call(SAVE, name="Customer Ranking", doctype="Customer Order", report_settings="{}")
	assert 400 <= r.status_code < 500, r.text
	# only no-code reports are published; only by managers; a missing report is a 404
	r = manager.call(PUBLISH, report="Customer Ranking")
	assert r.status_code == 417 and exc_type(r) == "ReportNotPublishable", r.text
	assert manager.call(PUBLISH, report=f"无此报表{stamp}").status_code == 404
	salesperson = Client(WEB_URL, token=team["a"]["token"])
	assert salesperson.call(PUBLISH, report=built["report"]).status_code == 403
