# ruff: noqa: F811  (pytest fixtures imported from other e2e modules are parameters here)
"""Security review, issue 12 (SPEC CALL-01, CALL-02, CALL-04, CALL-06) over REST as the real roles: dialling
only on one's own lines and only as CRM Desk staff (toll fraud), each caller-ID device only on its own
lines, SMS opt-outs only for visible customers, and the screen pop escaping what the server sends (stored
XSS, in a real Chromium)."""

import json
import time

import pytest
import requests
from callerid_fixtures import line, make_device
from conftest import SITE, WEB_URL, Client, bench
from test_screen_pop_browser import browser, desk, post_call

DIAL = "crm_suite.api.call_center.dial"
INCOMING = "crm_suite.api.callerid.incoming_call"
CALL_ENDED = "crm_suite.api.callerid.call_ended"
POLL = "crm_suite.api.callerid.next_dial_commands"
DIAL_RESULT = "crm_suite.api.callerid.dial_result"
XSS_NAME = "<img src=x onerror=window.__xss=1>"


def device_post(device: dict, method: str, **body) -> requests.Response:
	return requests.post(
		f"{WEB_URL}/api/method/{method}",
		json=body,
		headers={"Authorization": f"token {device['token']}"},
		timeout=30,
	)


@pytest.fixture(scope="module")
def others(admin, team, line):
	"""B's line with its own device, a line with no device user (bound to A), a Website User."""
	suffix = line["suffix"]
	device = make_device(admin, f"sec{suffix}")
	b_line = f"sec-b-line-{suffix}"
	admin.insert(
		"Phone Line",
		{
			"line_id": b_line,
			"line_name": b_line,
			"device_user": device["user"],
			"users": [{"user": team["b"]["user"]}],
		},
	)
	bare_line = f"sec-bare-line-{suffix}"
	admin.insert(
		"Phone Line", {"line_id": bare_line, "line_name": bare_line, "users": [{"user": team["a"]["user"]}]}
	)
	email, password = f"sec-web-{suffix}@crm-suite.test", f"Web!{suffix}Pw"
	admin.insert(
		"User",
		{"email": email, "first_name": "Web", "send_welcome_email": 0, "new_password": password, "roles": []},
	)
	assert admin.resource("User", email).json()["data"]["user_type"] == "Website User"
	return {"device": device, "b_line": b_line, "bare_line": bare_line, "web": (email, password)}


def dial_commands(admin: Client, phone_line: str) -> list[dict]:
	return admin.rows("Dial Command", [["phone_line", "=", phone_line]], ["name", "requested_by"])


def test_security_dial_on_a_line_the_user_is_not_bound_to_is_refused(admin, team, line, others):
	"""CALL-04 toll fraud: nobody makes another line's modem dial; only CRM Desk staff dial at all."""
	a = Client(WEB_URL).login(team["a"]["user"], team["a"]["password"])
	web = Client(WEB_URL).login(*others["web"])
	device = Client(WEB_URL, token=line["device"]["token"])
	guest = Client(WEB_URL)
	attempts = [
		("salesperson not bound to the line", a, others["b_line"]),
		("Website User naming a line", web, line["id"]),
		("Website User on no line", web, None),
		("caller-ID device user", device, line["id"]),
		("Guest", guest, line["id"]),
	]
	for who, client, phone_line in attempts:
		body = {"number": "13800138000"} | ({"line": phone_line} if phone_line else {})
		r = client.call(DIAL, **body)
		assert r.status_code == 403, (who, r.status_code, r.text[:300])
	assert dial_commands(admin, others["b_line"]) == []
	assert dial_commands(admin, line["id"]) == []
	# the salesperson bound to the line still dials on it
	ok = a.call(DIAL, number="13800138000", line=line["id"])
	assert ok.status_code == 200, ok.text
	assert ok.json()["message"]["line"] == line["id"]
	assert "bound to phone line" in a.call(DIAL, number="13800138000", line=others["b_line"]).text


def test_security_device_reports_and_polls_only_its_own_lines(admin, team, line, others):
	"""CALL-01/02: another line's device cannot end, poll or acknowledge this line's calls and commands."""
	event_id = f"sec-own-{line['suffix']}"
	posted = device_post(
		line["device"], INCOMING, event_id=event_id, line_id=line["id"], number="13800138001"
	)
	assert posted.status_code == 200, posted.text
	call = posted.json()["message"]["call"]
	intruder = others["device"]
	cases = [
		(CALL_ENDED, {"event_id": event_id, "answered": True, "duration": 999}),
		(
			INCOMING,
			{"event_id": f"sec-fake-{line['suffix']}", "line_id": line["id"], "number": "13800138002"},
		),
		# the same event id through the intruder's own line: refused, the other line's call is not echoed
		(INCOMING, {"event_id": event_id, "line_id": others["b_line"], "number": "13800138001"}),
		(POLL, {"line_id": line["id"]}),
	]
	for method, body in cases:
		r = device_post(intruder, method, **body)
		assert r.status_code == 403, (method, r.status_code, r.text[:300])
		assert call not in r.text
	row = admin.resource("Phone Call Record", call).json()["data"]
	assert (row["status"], row.get("duration") or 0, row.get("ended_on")) == ("Ringing", 0, None)
	# a command queued on this line: the intruder may not acknowledge it, the line's own device may
	a = Client(WEB_URL).login(team["a"]["user"], team["a"]["password"])
	assert a.call(DIAL, number="13800138004", line=line["id"]).status_code == 200
	commands = device_post(line["device"], POLL, line_id=line["id"]).json()["message"]
	assert commands
	for command in commands:
		refused = device_post(intruder, DIAL_RESULT, command=command["command"], ok=True)
		assert refused.status_code == 403, refused.text
		assert (
			device_post(line["device"], DIAL_RESULT, command=command["command"], ok=True).status_code == 200
		)
	ended = device_post(line["device"], CALL_ENDED, event_id=event_id, answered=True, duration=12)
	assert ended.status_code == 200, ended.text
	assert admin.resource("Phone Call Record", call).json()["data"]["duration"] == 12


def test_security_line_without_a_device_user_accepts_no_device(admin, line, others):
	"""CALL-01: a line no device is bound to takes no events and hands out no dial commands."""
	before = admin.rows("Phone Call Record", [["phone_line", "=", others["bare_line"]]])
	for device in (line["device"], others["device"]):
		r = device_post(
			device,
			INCOMING,
			event_id=f"sec-bare-{device['user'][:12]}-{line['suffix']}",
			line_id=others["bare_line"],
			number="13800138003",
		)
		assert r.status_code == 403, r.text[:300]
		assert "no device user" in r.text
		assert device_post(device, POLL, line_id=others["bare_line"]).status_code == 403
	assert admin.rows("Phone Call Record", [["phone_line", "=", others["bare_line"]]]) == before


def test_security_sms_only_by_crm_staff_and_opt_outs_only_for_visible_customers(admin, team, line, others):
	"""CALL-06: no Website User or device sends SMS; a salesperson's sending skips customers outside their
	scope, and they cannot file an opt-out against another salesperson's customer."""
	web = Client(WEB_URL).login(*others["web"])
	device = Client(WEB_URL, token=line["device"]["token"])
	for who, client in (("Website User", web), ("device", device), ("Guest", Client(WEB_URL))):
		r = client.call(
			"crm_suite.api.call_center.send_sms", customers=[line["customer"]["name"]], message="hi"
		)
		assert r.status_code == 403, (who, r.status_code, r.text[:300])
		r = client.call("crm_suite.api.call_center.sms_opt_out", phone_number=line["mobile"])
		assert r.status_code == 403, (who, r.status_code, r.text[:300])
	a = Client(WEB_URL).login(team["a"]["user"], team["a"]["password"])
	sent = a.call("crm_suite.api.call_center.send_sms", customers=[line["theirs"]["name"]], message="你好")
	assert sent.status_code == 200, sent.text
	assert (sent.json()["message"]["queued"], sent.json()["message"]["skipped"]) == (0, 1)
	r = a.call(
		"crm_suite.api.call_center.sms_opt_out",
		phone_number=line["theirs_mobile"],
		customer=line["theirs"]["name"],
	)
	assert r.status_code == 403, r.text[:300]
	assert admin.rows("SMS Opt Out", [["customer", "=", line["theirs"]["name"]]]) == []


def test_security_screen_pop_escapes_a_customer_name_with_html(admin, team, line, desk):
	"""CALL-02 stored XSS: a customer named like an HTML tag is shown as text in the pop's title and body,
	and its script never runs. Frappe's sanitiser strips onerror= on save, so the name is written straight
	to the database (as an import or a legacy row could hold it): the pop must be safe on its own."""
	mobile = "136" + line["suffix"][-8:].rjust(8, "0")
	customer = admin.insert(
		"Customer Account",
		{
			"customer_name": f"XSS测试{line['suffix']}",
			"website": "https://xss.cn",
			"mobile_no": mobile,
			"salesperson": team["a"]["user"],
		},
	)
	args = json.dumps(["Customer Account", customer["name"], "customer_name", XSS_NAME])
	bench("--site", SITE, "execute", "frappe.db.set_value", "--args", args)
	assert admin.resource("Customer Account", customer["name"]).json()["data"]["customer_name"] == XSS_NAME
	call = post_call(line, mobile, f"sec-xss-{line['suffix']}")
	pop = f"crm_suite.call_pops[{json.dumps(call)}]"
	desk.wait_for(f"!!{pop} && {pop}.$wrapper.is(':visible')", timeout=20)
	time.sleep(2)  # an injected <img src=x> would have failed to load and run its onerror by now
	title = desk.evaluate(f"{pop}.$wrapper.find('.modal-title').text()")
	assert XSS_NAME in title, title
	assert desk.evaluate(f"{pop}.$wrapper.find('img').length") == 0
	assert desk.evaluate(f"{pop}.$wrapper.find('.crm-call-pop').text()").count(XSS_NAME) == 1
	assert desk.evaluate("typeof window.__xss") == "undefined"
