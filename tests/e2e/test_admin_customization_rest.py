"""CRM Admins customise the suite with no code and without System Manager (SPEC ORG-01, ORG-02, ORG-06), over REST
as a user holding only *CRM Admin*: a Custom Field on Customer Account shows on the form's meta, in the list and
over REST; Customize Form opens and saves the suite's doctypes; labels and list columns change through Property
Setters; Notifications and Assignment Rules on the suite's doctypes; the suite's public workspaces. Refused (403)
with a message: anything outside the suite, and whatever would hand out more than the admin has — a masked field
moved to level 0 or copied by `fetch_from`, a field ignoring user permissions, code in a template, a
notification setting the owner, a role they may not grant."""

import json
import time

import pytest
from conftest import WEB_URL, Client, exc_type, post_resource, token_user

CUSTOMER = "Customer Account"


@pytest.fixture(scope="module")
def crm_admin(admin) -> dict:
	user, token = token_user(admin, "e2e-customizer", ["CRM Admin"])
	return {"user": user, "client": Client(WEB_URL, token=token), "suffix": str(int(time.time()))}


def _refused(r, status=403) -> None:
	assert r.status_code == status, (r.status_code, r.text[:400])
	assert r.status_code != 500


def test_admin_is_not_a_system_manager_but_a_workspace_manager(admin, crm_admin):
	roles = {row["role"] for row in admin.resource("User", crm_admin["user"]).json()["data"]["roles"]}
	assert "System Manager" not in roles
	assert {"CRM Admin", "Workspace Manager"} <= roles


def test_custom_field_on_customer_reaches_form_list_and_rest(admin, crm_admin, team):
	c = crm_admin["client"]
	field = f"wechat_group_{crm_admin['suffix']}"
	r = post_resource(
		c,
		"Custom Field",
		{
			"dt": CUSTOMER,
			"fieldname": field,
			"label": "微信群",
			"fieldtype": "Data",
			"insert_after": "website",
		},
	)
	assert r.status_code == 200, r.text[:400]
	fieldname = r.json()["data"]["fieldname"]
	# the form's meta
	r = c.call("frappe.desk.form.load.getdoctype", http="GET", doctype=CUSTOMER)
	assert r.status_code == 200, r.text[:300]
	fields = [df["fieldname"] for doc in r.json()["docs"] if doc["name"] == CUSTOMER for df in doc["fields"]]
	assert fieldname in fields
	# a salesperson writes and lists it over REST
	a = Client(WEB_URL, token=team["a"]["token"])
	customer = a.insert(
		CUSTOMER,
		{
			"customer_name": f"自定义字段{crm_admin['suffix']}有限公司",
			"website": "https://cf.example.cn",
			fieldname: "群A",
		},
	)
	assert customer[fieldname] == "群A"
	rows = a.rows(CUSTOMER, [[fieldname, "=", "群A"]], ["name", fieldname])
	assert [row["name"] for row in rows] == [customer["name"]]
	# the admin's Custom Field list holds the suite's customisations only
	listed = c.rows("Custom Field", [], ["dt"])
	assert listed and {row["dt"] for row in listed} <= set(_suite_doctypes(admin))


def _suite_doctypes(admin) -> list[str]:
	modules = admin.rows("Module Def", [["app_name", "=", "crm_suite"]], ["name"])
	names = admin.rows("DocType", [["module", "in", [m["name"] for m in modules]]], ["name"])
	return [n["name"] for n in names] + ["Contact"]


def test_outside_the_suite_is_refused(crm_admin):
	c = crm_admin["client"]
	r = post_resource(
		c, "Custom Field", {"dt": "User", "fieldname": "x_nick", "label": "X", "fieldtype": "Data"}
	)
	_refused(r)
	r = post_resource(
		c,
		"Property Setter",
		{
			"doc_type": "User",
			"doctype_or_field": "DocField",
			"field_name": "first_name",
			"property": "label",
			"value": "名",
			"property_type": "Data",
		},
	)
	_refused(r)
	# (Frappe itself refuses its core doctypes, e.g. User, with a 417; ToDo is the kind this test is about)
	r = _run_doc_method(c, "fetch_to_customize", _customize_form("ToDo"))
	_refused(r)


def _customize_form(doctype: str) -> dict:
	return {"doctype": "Customize Form", "name": "Customize Form", "doc_type": doctype}


def _run_doc_method(client: Client, method: str, doc: dict):
	"""Frappe's `run_doc_method` (what Customize Form's buttons call): `method` is its own parameter's name."""
	return client.http.post(
		f"{WEB_URL}/api/method/run_doc_method", json={"method": method, "docs": json.dumps(doc)}, timeout=60
	)


def test_customize_form_changes_a_label_and_list_columns(admin, crm_admin):
	c = crm_admin["client"]
	r = _run_doc_method(c, "fetch_to_customize", _customize_form(CUSTOMER))
	assert r.status_code == 200, r.text[:400]
	form = r.json()["docs"][0]
	assert form["doc_type"] == CUSTOMER and form["fields"]
	for df in form["fields"]:
		if df["fieldname"] == "website":
			df["label"] = f"官网{crm_admin['suffix']}"
			df["in_list_view"] = 1
	r = _run_doc_method(c, "save_customization", form)
	assert r.status_code == 200, r.text[:400]
	setters = admin.rows(
		"Property Setter",
		[
			["doc_type", "=", CUSTOMER],
			["field_name", "=", "website"],
			["property", "in", ["label", "in_list_view"]],
		],
		["property", "value"],
	)
	assert {s["property"]: s["value"] for s in setters} == {
		"label": f"官网{crm_admin['suffix']}",
		"in_list_view": "1",
	}


def test_nothing_that_opens_masked_numbers(crm_admin):
	c = crm_admin["client"]
	# the masked mobile moved to level 0
	r = post_resource(
		c,
		"Property Setter",
		{
			"doc_type": CUSTOMER,
			"doctype_or_field": "DocField",
			"field_name": "mobile_no",
			"property": "permlevel",
			"value": "0",
			"property_type": "Int",
		},
	)
	_refused(r)
	assert "permlevel" in r.text
	# … or through Customize Form
	r = _run_doc_method(c, "fetch_to_customize", _customize_form(CUSTOMER))
	form = r.json()["docs"][0]
	for df in form["fields"]:
		if df["fieldname"] == "mobile_no":
			df["permlevel"] = 0
	_refused(_run_doc_method(c, "save_customization", form))
	# a level-0 copy of a masked number on another suite doctype
	r = post_resource(
		c,
		"Custom Field",
		{
			"dt": "Follow Up Record",
			"fieldname": f"copy_mobile_{crm_admin['suffix']}",
			"label": "手机",
			"fieldtype": "Data",
			"fetch_from": "customer.mobile_no",
		},
	)
	_refused(r)
	r = post_resource(
		c,
		"Custom Field",
		{
			"dt": "Follow Up Record",
			"fieldname": f"any_customer_{crm_admin['suffix']}",
			"label": "任意客户",
			"fieldtype": "Link",
			"options": CUSTOMER,
			"ignore_user_permissions": 1,
		},
	)
	_refused(r)


def test_notifications_from_the_documents_own_fields(crm_admin):
	c = crm_admin["client"]
	base = {
		"document_type": CUSTOMER,
		"event": "New",
		"channel": "System Notification",
		"recipients": [{"receiver_by_document_field": "salesperson"}],
	}
	ok = {**base, "name": f"新客户提醒{crm_admin['suffix']}", "subject": "新客户 {{ doc.customer_name }}"}
	r = post_resource(c, "Notification", ok)
	assert r.status_code == 200, r.text[:400]
	for bad in (
		{"subject": "号码 {{ doc.mobile_no }}"},  # a masked number to readers who may not see it
		{"subject": "{{ frappe.db.get_value('User', 'Administrator', 'api_key') }}"},  # code
		{"subject": "x", "condition": "frappe.db.sql('select 1')"},
		{"subject": "x", "set_property_after_alert": "salesperson", "property_value": "Administrator"},
	):
		r = post_resource(c, "Notification", {**base, "name": f"坏通知{time.time_ns()}", **bad})
		_refused(r)
	r = post_resource(
		c,
		"Notification",
		{**base, "document_type": "User", "name": f"用户通知{crm_admin['suffix']}", "subject": "x"},
	)
	_refused(r)


def test_suite_workspaces_only(admin, crm_admin):
	c = crm_admin["client"]
	sales = admin.resource("Workspace", "Sales").json()["data"]
	r = c.http.put(
		f"{WEB_URL}/api/resource/Workspace/Sales", json={"sequence_id": sales["sequence_id"]}, timeout=30
	)
	assert r.status_code == 200, r.text[:400]
	r = c.http.put(f"{WEB_URL}/api/resource/Workspace/Tools", json={"sequence_id": 99}, timeout=30)
	assert r.status_code in (403, 417) and r.status_code != 500, r.text[:400]
	assert exc_type(r) in ("CustomizationNotAllowed", "PermissionError", "ValidationError")


def test_cannot_grant_themselves_more(admin, crm_admin):
	c = crm_admin["client"]
	user = crm_admin["user"]
	r = c.http.put(
		f"{WEB_URL}/api/resource/User/{user}",
		json={"roles": [{"role": "CRM Admin"}, {"role": "System Manager"}]},
		timeout=30,
	)
	# Frappe drops fields a user may not write (the roles table of their own user) or refuses: never granted
	assert r.status_code in (200, 403, 417), r.text[:300]
	roles = {row["role"] for row in admin.resource("User", user).json()["data"]["roles"]}
	assert "System Manager" not in roles and "CRM Admin" in roles
	r = post_resource(
		c,
		"Custom DocPerm",
		{"parent": CUSTOMER, "parenttype": "DocType", "role": "CRM Admin", "permlevel": 2},
	)
	assert r.status_code == 403, r.text[:300]


def test_announcements_are_posted_by_managers_and_read_by_the_team(team):
	a = Client(WEB_URL, token=team["a"]["token"])
	m = Client(WEB_URL, token=team["m"]["token"])
	notice = {
		"title": f"公告{time.time_ns()}",
		"public": 1,
		"notify_on_login": 1,
		"content": "本周五下午全员培训",
	}
	# a salesperson's note never becomes an announcement (Frappe drops the level-1 fields, or it is refused)
	r = post_resource(a, "Note", notice)
	assert r.status_code in (200, 403), r.text[:300]
	if r.status_code == 200:
		assert (r.json()["data"]["public"], r.json()["data"]["notify_on_login"]) == (0, 0), r.text[:300]
	r = post_resource(a, "Note", {**notice, "public": 0, "notify_on_login": 0})  # a private note is fine
	assert r.status_code == 200, r.text[:300]
	r = post_resource(m, "Note", notice)
	assert r.status_code == 200, r.text[:300]
	assert (r.json()["data"]["public"], r.json()["data"]["notify_on_login"]) == (1, 1), r.text[:300]
	name = r.json()["data"]["name"]
	r = a.resource("Note", name)
	assert r.status_code == 200 and r.json()["data"]["content"] == notice["content"], r.text[:300]
