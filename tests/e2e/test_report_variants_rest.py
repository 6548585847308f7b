"""Saved report variants for managers (issue 17, "found on today's site"; RPT-12): a CRM Manager runs an app
report, saves it with *Save As* (Frappe's `frappe.desk.query_report.save_report`, as the report page calls
it), reopens the variant and a colleague opens it — without Script Manager; a salesperson's Save As is still
refused; the variant holds no query or script, and it runs in the opener's row scope."""

import json
import time

from conftest import WEB_URL, Client

SAVE_AS = "frappe.desk.query_report.save_report"
REPORT = "Follow Up Statistics"


def save_as(client: Client, name: str, filters: dict | None = None, reference: str = REPORT):
	return client.call(
		SAVE_AS,
		reference_report=reference,
		report_name=name,
		columns=json.dumps([{"fieldname": "salesperson", "label": "Salesperson"}]),
		filters=json.dumps(filters or {}),
	)


def test_a_manager_saves_reopens_and_shares_a_report_variant(stack, admin, team, role_clients):
	manager = Client(WEB_URL, token=team["m"]["token"])
	name = f"经理的跟进统计{int(time.time())}"
	r = save_as(manager, name, {"group_by": "Salesperson"})
	assert r.status_code == 200, r.text
	variant = r.json()["message"]
	stored = admin.resource("Report", variant).json()["data"]
	assert (stored["report_type"], stored["reference_report"], stored["is_standard"]) == (
		"Custom Report",
		REPORT,
		"No",
	)
	assert not stored.get("query") and not stored.get("report_script")
	assert json.loads(stored["json"])["filters"] == {"group_by": "Salesperson"}
	# reopened by its maker, and saved again under the same name: updated, not duplicated
	r = manager.call("frappe.desk.query_report.run", report_name=variant, filters=json.dumps({}))
	assert r.status_code == 200, r.text
	r = save_as(manager, name, {"group_by": "Method"})
	assert r.status_code == 200 and r.json()["message"] == variant, r.text
	assert json.loads(admin.resource("Report", variant).json()["data"]["json"])["filters"] == {
		"group_by": "Method"
	}
	# a colleague opens the shared variant (the reference report's roles): a salesperson, in their own scope
	salesperson = role_clients["salesperson"]["client"]
	r = salesperson.call("frappe.desk.query_report.run", report_name=variant, filters=json.dumps({}))
	assert r.status_code == 200, r.text
	# …but may not overwrite it, nor save variants of their own through this path
	assert save_as(salesperson, name).status_code == 403
	assert save_as(salesperson, f"{name}-销售").status_code == 403


def test_another_user_s_variant_name_is_not_taken_over(team, role_clients):
	manager = Client(WEB_URL, token=team["m"]["token"])
	name = f"管理员的变体{int(time.time())}"
	crm_admin = role_clients["crm_admin"]["client"]
	assert save_as(crm_admin, name).status_code == 200
	r = save_as(manager, name)
	assert r.status_code == 409, r.text


def test_bad_variants_are_a_4xx(team):
	manager = Client(WEB_URL, token=team["m"]["token"])
	assert save_as(manager, "").status_code == 417
	assert save_as(manager, "x" * 200).status_code == 417
	r = manager.call(SAVE_AS, reference_report=REPORT, report_name="坏的", columns="not json", filters="{}")
	assert r.status_code == 417, r.text
	assert save_as(manager, "无此报表的变体", reference="无此报表").status_code == 404
