"""Module switches (SPEC ORG-04, issue 19) over REST as the team meets them: an admin switches Loyalty off in
CRM Suite Settings — a salesperson's sidebar loses the Loyalty workspace, its documents answer 403 and list empty,
the admin still reaches them; Orders & Payments cannot go off while Loyalty (which needs it) is on, with a 417
naming both; switched on again, everything is where it was."""

import time

import pytest
from conftest import WEB_URL, Client, exc_type

SETTINGS = f"{WEB_URL}/api/resource/CRM Suite Settings/CRM Suite Settings"
SIDEBAR = "frappe.desk.desktop.get_workspace_sidebar_items"


def _switch(admin: Client, **values):
	r = admin.http.put(SETTINGS, json=values, timeout=60)
	return r


def _workspaces(client: Client) -> set[str]:
	r = client.call(SIDEBAR, http="GET")
	assert r.status_code == 200, r.text[:300]
	return {page["name"] for page in r.json()["message"]["pages"]}


@pytest.fixture(scope="module")
def loyalty(admin, team):
	gift = admin.insert("Points Gift", {"gift_name": f"开关礼品{int(time.time())}", "points_cost": 10})[
		"name"
	]
	yield {"gift": gift, "a": Client(WEB_URL, token=team["a"]["token"])}
	r = _switch(admin, module_loyalty=1, module_orders=1, module_sales=1)
	assert r.status_code == 200, r.text[:300]


def test_switching_loyalty_off_hides_and_blocks_it_for_the_team_only(admin, loyalty):
	a = loyalty["a"]
	assert "Loyalty" in _workspaces(a)
	assert a.resource("Points Gift", loyalty["gift"]).status_code == 200
	before = admin.rows("Points Gift", [], ["name"])

	r = _switch(admin, module_loyalty=0)
	assert r.status_code == 200, r.text[:300]
	assert "Loyalty" not in _workspaces(a)
	assert "Customers" in _workspaces(a)  # the core stays
	assert a.resource("Points Gift", loyalty["gift"]).status_code == 403
	assert a.rows("Points Gift", []) == []
	r = a.http.post(
		f"{WEB_URL}/api/resource/Points Gift", json={"gift_name": "关了也想建", "points_cost": 1}, timeout=30
	)
	assert r.status_code == 403, r.text[:300]
	# the admin still reaches everything, nothing is gone
	assert admin.rows("Points Gift", [], ["name"]) == before
	# the customer form's connections leave the module out
	r = a.call("frappe.desk.form.load.getdoctype", http="GET", doctype="Customer Account")
	assert r.status_code == 200
	dashboard = next(d for d in r.json()["docs"] if d["name"] == "Customer Account").get("__dashboard") or {}
	labels = {t.get("label") for t in dashboard.get("transactions", [])}
	assert "Loyalty" not in labels and "积分" not in labels, labels

	r = _switch(admin, module_loyalty=1)
	assert r.status_code == 200, r.text[:300]
	assert "Loyalty" in _workspaces(a)
	assert a.resource("Points Gift", loyalty["gift"]).status_code == 200


def test_the_team_sidebar_holds_the_suite_not_frappes_admin_workspaces(admin, loyalty, team):
	frappe_admin_pages = {"Build", "Tools", "Website", "Integrations", "Users"}
	for key in ("a", "m"):
		pages = _workspaces(Client(WEB_URL, token=team[key]["token"]))
		assert {"Customers", "Pools", "Sales", "My Day"} <= pages, pages
		assert not pages & frappe_admin_pages, pages & frappe_admin_pages
	assert frappe_admin_pages & _workspaces(admin)  # the site's admins keep them


def test_a_module_another_needs_stays_on(admin, loyalty):
	r = _switch(admin, module_orders=0)
	assert r.status_code == 417 and exc_type(r) == "ModuleDependencyError", r.text[:300]
	assert "Loyalty" in r.text and "Orders & Payments" in r.text
	stored = admin.resource("CRM Suite Settings", "CRM Suite Settings").json()["data"]
	assert stored["module_orders"] == 1
	# off together, in one save, is fine; and back on
	r = _switch(admin, module_orders=0, module_loyalty=0)
	assert r.status_code == 200, r.text[:300]
	r = _switch(admin, module_orders=1, module_loyalty=1)
	assert r.status_code == 200, r.text[:300]


def test_only_admins_switch_modules(loyalty, team):
	a = loyalty["a"]
	r = a.http.put(SETTINGS, json={"module_loyalty": 0}, timeout=30)
	assert r.status_code == 403, r.text[:300]
	m = Client(WEB_URL, token=team["m"]["token"])
	r = m.http.put(SETTINGS, json={"module_loyalty": 0}, timeout=30)
	assert r.status_code == 403, r.text[:300]
