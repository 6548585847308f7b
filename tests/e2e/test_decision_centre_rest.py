"""Every report of the app over REST (issue 17; SPEC RPT-01..11, ORG-03): run through Frappe's own
`frappe.desk.query_report.run` as a salesperson, a manager and a CRM Admin — allowed by the report's roles,
and never a row of a salesperson outside the caller's scope (the hidden leak path of script reports, which
get no permission query conditions); a Decision Centre report exported to Excel through
`frappe.desk.query_report.export_query` opens with openpyxl and holds the same rows."""

import io
import json
import time

import pytest
from conftest import WEB_URL
from openpyxl import load_workbook

RUN = "frappe.desk.query_report.run"
ROLE_OF = {"salesperson": "CRM Salesperson", "manager": "CRM Manager", "crm_admin": "CRM Admin"}
# columns naming the salesperson a row belongs to
PERSON_COLUMNS = ("salesperson", "user")


@pytest.fixture(scope="module")
def reports(admin) -> dict[str, set[str]]:
	"""Every Report of the app's modules (found, not listed) → the roles it is open to."""
	modules = [m["name"] for m in admin.rows("Module Def", [["app_name", "=", "crm_suite"]])]
	assert "Decision Centre" in modules
	names = [
		r["name"] for r in admin.rows("Report", [["module", "in", modules], ["is_standard", "=", "Yes"]])
	]
	assert len(names) >= 16, names  # 10 reports before the Decision Centre, 6 in it
	return {
		name: {row["role"] for row in admin.resource("Report", name).json()["data"]["roles"]}
		for name in names
	}


@pytest.fixture(scope="module")
def spread_data(admin, team, role_clients):
	"""Customers and calls of both salespeople of the team and of a user outside it, made today."""
	outsider = role_clients["crm_admin"]["user"]
	suffix = str(int(time.time()))
	for i, owner in enumerate((team["a"]["user"], team["b"]["user"], outsider)):
		admin.insert(
			"Customer Account",
			{
				"customer_name": f"决策中心测试{suffix}{i}有限公司",
				"website": "https://example.cn",
				"salesperson": owner,
			},
		)
		admin.insert(
			"Phone Call Record",
			{"call_type": "Outbound", "status": "Ended", "user": owner, "phone_number": "13800138000"},
		)
	return {"outsider": outsider}


def run(client, report: str, filters: dict | None = None):
	return client.call(RUN, report_name=report, filters=json.dumps(filters or {}))


def person_values(message: dict) -> set:
	columns = {c.get("fieldname") for c in message.get("columns") or [] if isinstance(c, dict)}
	keys = [k for k in PERSON_COLUMNS if k in columns]
	return {row.get(k) for row in message.get("result") or [] if isinstance(row, dict) for k in keys} - {
		None,
		"",
	}


@pytest.mark.parametrize("role", list(ROLE_OF))
def test_every_app_report_runs_in_the_caller_s_scope(reports, spread_data, team, role_clients, role):
	client = role_clients[role]["client"]
	allowed = {
		"salesperson": {team["a"]["user"]},
		"manager": {team["a"]["user"], team["b"]["user"], team["m"]["user"]},
		"crm_admin": None,
	}[role]
	seen = set()
	for report, roles in sorted(reports.items()):
		for filters in ({}, {"group_by": "Salesperson"}):
			r = run(client, report, filters)
			if ROLE_OF[role] not in roles:
				assert r.status_code == 403, (report, r.status_code, r.text[:300])
				continue
			assert r.status_code == 200, (report, filters, r.text[:500])
			values = person_values(r.json()["message"])
			seen |= values
			if allowed is not None:
				assert values <= allowed, (report, filters, values - allowed)
	if role == "crm_admin":
		assert spread_data["outsider"] in seen  # the admin's runs do reach everyone's rows
	else:
		assert team["a"]["user"] in seen


def test_a_manager_exports_a_decision_centre_report_to_excel(spread_data, team, role_clients):
	client = role_clients["manager"]["client"]
	filters = {"group_by": "Salesperson"}
	shown = run(client, "Customer Statistics", filters).json()["message"]
	r = client.http.post(
		f"{WEB_URL}/api/method/frappe.desk.query_report.export_query",
		data={
			"report_name": "Customer Statistics",
			"file_format_type": "Excel",
			"filters": json.dumps(filters),
			"visible_idx": json.dumps(list(range(len(shown["result"])))),
			"include_indentation": 0,
		},
		timeout=60,
	)
	assert r.status_code == 200, r.text[:500]
	sheet = load_workbook(io.BytesIO(r.content)).active
	rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
	header = next(i for i, row in enumerate(rows) if "Salesperson" in row)
	column = rows[header].index("Salesperson")
	exported = {row[column] for row in rows[header + 1 :] if row[column]}
	assert exported == {row["salesperson"] for row in shown["result"]}
	assert team["a"]["user"] in exported and spread_data["outsider"] not in exported
