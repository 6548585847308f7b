"""Complaints (SPEC SVC-02) and field service (SPEC SVC-03) over REST as real users: row scope (own, the
manager's team, a colleague nothing), the append-only handling record, workflow transitions by role, an
engineer who sees only the work orders dispatched to them with the customer's number masked (ORG-06), the
follow-up visit plan on completion, and bad input answered 4xx, never 500."""

import json
import time

import pytest
from conftest import WEB_URL, Client, token_user
from conftest import exc_type as _exc
from conftest import post_resource as _post

FULL_MOBILE = "13955501234"


@pytest.fixture(scope="module")
def service(admin, team):
	r = admin.http.put(
		f"{WEB_URL}/api/resource/CRM Suite Settings/CRM Suite Settings",
		json={"mask_phone_numbers": 1},
		timeout=60,
	)
	assert r.status_code == 200, r.text
	suffix = str(int(time.time()))
	a = Client(WEB_URL, token=team["a"]["token"])
	b = Client(WEB_URL, token=team["b"]["token"])
	m = Client(WEB_URL, token=team["m"]["token"])
	engineer, engineer_token = token_user(admin, "e2e-engineer", ["CRM Service Engineer"])
	customer = a.insert(
		"Customer Account",
		{
			"customer_name": f"售后{suffix}有限公司",
			"website": "https://svc.example.cn",
			"mobile_no_masked": FULL_MOBILE,
			"contact_person": "李工",
		},
	)["name"]
	return {
		"a": a,
		"b": b,
		"m": m,
		"engineer": engineer,
		"e": Client(WEB_URL, token=engineer_token),
		"customer": customer,
		"suffix": suffix,
	}


def _doc(client: Client, doctype: str, name: str) -> dict:
	r = client.resource(doctype, name)
	assert r.status_code == 200, r.text
	return r.json()["data"]


def _apply(client: Client, doctype: str, name: str, action: str, reader: Client | None = None):
	doc = _doc(reader or client, doctype, name)
	return client.call("frappe.model.workflow.apply_workflow", doc=json.dumps(doc), action=action)


def _put(client: Client, doctype: str, name: str, values: dict):
	return client.http.put(f"{WEB_URL}/api/resource/{doctype}/{name}", json=values, timeout=30)


def test_complaint_scope_handling_record_and_closing(service, admin):
	a, b, m, e = service["a"], service["b"], service["m"], service["e"]
	r = _post(
		a, "Customer Complaint", {"customer": service["customer"], "subject": "安装延误", "severity": "严重"}
	)
	assert r.status_code == 200, r.text
	complaint = r.json()["data"]
	assert complaint["workflow_state"] == "Open" and complaint["deadline"]
	name = complaint["name"]
	assert m.resource("Customer Complaint", name).status_code == 200
	for outsider in (b, e):
		assert outsider.resource("Customer Complaint", name).status_code == 403
	assert name not in [row["name"] for row in b.rows("Customer Complaint", [])]

	step = a.call(
		"crm_suite.api.service.add_complaint_step", complaint=name, note="已致电客户", action="电话"
	)
	assert step.status_code == 200, step.text
	assert step.json()["message"]["step_by"] == team_user(service, a)
	assert b.call("crm_suite.api.service.add_complaint_step", complaint=name, note="越权").status_code == 403
	empty = a.call("crm_suite.api.service.add_complaint_step", complaint=name, note=" ")
	assert empty.status_code == 417, empty.text
	missing = a.call("crm_suite.api.service.add_complaint_step", complaint="TS-NOPE-1", note="x")
	assert missing.status_code == 404, missing.text
	assert a.call(
		"crm_suite.api.service.add_complaint_step", http="GET", complaint=name, note="x"
	).status_code in (
		403,
		405,
	)

	# the record is not edited through the form's save
	doc = _doc(a, "Customer Complaint", name)
	doc["handling_steps"][-1]["note"] = "改写"
	edited = _put(a, "Customer Complaint", name, {"handling_steps": doc["handling_steps"]})
	assert edited.status_code == 417 and _exc(edited) == "HandlingRecordLocked"
	bad = _post(
		a, "Customer Complaint", {"customer": service["customer"], "subject": "x", "severity": "不存在"}
	)
	assert 400 <= bad.status_code < 500, bad.text

	assert _apply(a, "Customer Complaint", name, "Start Handling").status_code == 200
	assert _apply(b, "Customer Complaint", name, "Resolve", reader=a).status_code in (403, 417)
	assert _apply(a, "Customer Complaint", name, "Resolve").status_code == 200
	no_rating = _apply(a, "Customer Complaint", name, "Close")
	assert no_rating.status_code == 417 and _exc(no_rating).endswith("SatisfactionRequired"), no_rating.text
	assert _put(a, "Customer Complaint", name, {"satisfaction": 0.8}).status_code == 200
	closed = _apply(a, "Customer Complaint", name, "Close")
	assert closed.status_code == 200, closed.text
	final = _doc(a, "Customer Complaint", name)
	assert final["workflow_state"] == "Closed" and final["closed_on"]
	assert [s["step_by"] for s in final["handling_steps"]].count(team_user(service, a)) >= 4
	late = a.call("crm_suite.api.service.add_complaint_step", complaint=name, note="结案后")
	assert late.status_code == 417, late.text


def team_user(service, client: Client) -> str:
	r = client.call("frappe.auth.get_logged_user", http="GET")
	assert r.status_code == 200, r.text
	return r.json()["message"]


def test_dispatch_engineer_scope_masking_and_completion(service, admin):
	a, b, m, e = service["a"], service["b"], service["m"], service["e"]
	request = a.insert(
		"Service Request",
		{"customer": service["customer"], "subject": "设备安装", "request_type": "Installation"},
	)["name"]
	dispatch = "crm_suite.api.service.dispatch_service_request"
	start = "2026-12-20 09:00:00"
	refused = a.call(dispatch, service_request=request, engineer=service["engineer"], scheduled_start=start)
	assert refused.status_code == 403, refused.text
	assert (
		m.call(
			dispatch, service_request="FW-NOPE-1", engineer=service["engineer"], scheduled_start=start
		).status_code
		== 404
	)
	bad_date = m.call(dispatch, service_request=request, engineer=service["engineer"], scheduled_start="明天")
	assert bad_date.status_code == 417, bad_date.text
	not_engineer = m.call(
		dispatch, service_request=request, engineer=team_user(service, b), scheduled_start=start
	)
	assert not_engineer.status_code == 417, not_engineer.text

	# a draft for the engineer stays out of their sight; the dispatched order is theirs
	draft = m.insert(
		"Service Work Order",
		{"service_request": request, "engineer": service["engineer"], "scheduled_start": start},
	)["name"]
	r = m.call(dispatch, service_request=request, engineer=service["engineer"], scheduled_start=start)
	assert r.status_code == 200, r.text
	order = r.json()["message"]
	seen = {row["name"] for row in e.rows("Service Work Order", [])}
	assert seen == {order}
	assert e.resource("Service Work Order", draft).status_code == 403
	got = e.resource("Service Work Order", order)
	assert got.status_code == 200 and FULL_MOBILE not in got.text
	data = got.json()["data"]
	assert data["contact_person"] == "李工" and "*" in data["contact_mobile"]
	assert e.resource("Customer Account", service["customer"]).status_code == 403
	assert e.resource("Service Request", request).status_code == 403
	assert b.resource("Service Work Order", order).status_code == 403
	assert a.resource("Service Work Order", order).status_code == 200
	assert _doc(a, "Service Request", request)["status"] == "Dispatched"

	# transitions by role: the engineer neither cancels nor dispatches; works and completes
	assert _apply(e, "Service Work Order", order, "Cancel").status_code in (403, 417)
	assert _apply(a, "Service Work Order", draft, "Dispatch", reader=m).status_code in (403, 417)
	assert _apply(e, "Service Work Order", order, "Start Work").status_code == 200
	incomplete = _apply(e, "Service Work Order", order, "Complete")
	assert incomplete.status_code == 417 and _exc(incomplete).endswith("CompletionIncomplete")
	saved = _put(
		e,
		"Service Work Order",
		order,
		{
			"result": "安装调试完成",
			"customer_signature": "data:image/png;base64,iVBORw0KGgo=",
			"parts": [{"part_name": "安装支架", "qty": 2}],
		},
	)
	assert saved.status_code == 200, saved.text
	stolen = _put(e, "Service Work Order", order, {"engineer": "Administrator"})
	assert stolen.status_code == 403, stolen.text
	done = _apply(e, "Service Work Order", order, "Complete")
	assert done.status_code == 200, done.text
	plan = _doc(a, "Service Work Order", order)["visit_plan"]
	assert plan
	visit = _doc(a, "Visit Plan", plan)
	assert visit["salesperson"] == team_user(service, a) and visit["customer"] == service["customer"]
	assert b.resource("Visit Plan", plan).status_code == 403
	assert _doc(a, "Service Request", request)["status"] == "Completed"


def test_contract_scope_and_bad_dates(service):
	a, b, e = service["a"], service["b"], service["e"]
	base = {"customer": service["customer"], "contract_title": "维保合同", "start_date": "2026-01-01"}
	bad = _post(a, "Service Contract", {**base, "end_date": "2025-12-31"})
	assert bad.status_code == 417, bad.text
	r = _post(a, "Service Contract", {**base, "end_date": "2027-12-31"})
	assert r.status_code == 200, r.text
	name = r.json()["data"]["name"]
	assert b.resource("Service Contract", name).status_code == 403
	assert e.resource("Service Contract", name).status_code == 403
	assert name in {row["name"] for row in a.rows("Service Contract", [])}
