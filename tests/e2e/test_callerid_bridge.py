# ruff: noqa: F811  (pytest fixtures imported from callerid_fixtures are parameters here)
"""CALL-01/02 end to end: a fake modem on a pty, the real bridge daemon (its console entry point), the real
site (web, socketio, worker, scheduler). The bound user's socket gets the pop, another user's does not;
unplugging the modem and stopping the site lose no call and duplicate none; bad tokens and bodies are
refused with clear messages and write nothing.

CRM_E2E_OUTAGE_SECONDS sets how long the site stays down (default 10 in CI; the issue's figure is 60).
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import socketio
from conftest import BENCH, SITE, SOCKETIO_PORT, WEB_PORT, WEB_URL, Client, _start, _wait_http, web_process

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from callerid_fixtures import line
from fake_modem import FakeModem, modem_call

OUTAGE_SECONDS = float(os.environ.get("CRM_E2E_OUTAGE_SECONDS", "10"))
INCOMING = "crm_suite.api.callerid.incoming_call"
CALL_EVENT = "crm_suite_call"
APP_SOURCE = Path(__file__).resolve().parents[2] / "apps" / "crm_suite"


def daemon_command() -> list[str]:
	entry = BENCH / "env" / "bin" / "crm-suite-callerid"
	if entry.exists():
		return [str(entry)]
	return [sys.executable, "-m", "crm_suite.hardware.daemon"]


class Daemon:
	def __init__(self, tmp: Path, line: dict, modem_path: Path):
		self.ini = tmp / "bridge.ini"
		self.ini.write_text(
			"[bridge]\n"
			f"port = {modem_path}\nprofile = modem\nline_id = {line['id']}\nsite_url = {WEB_URL}\n"
			f"api_key = {line['device']['key']}\napi_secret = {line['device']['secret']}\n"
			f"queue_path = {tmp / 'queue.sqlite3'}\nretry_max_seconds = 2\nreconnect_max_seconds = 1\n"
			"dial_poll_seconds = 0.5\nquiet_flush_seconds = 0.3\n"
		)
		self.log = open(tmp / "daemon.log", "w")
		env = {**os.environ, "PYTHONPATH": str(APP_SOURCE)}
		self.proc = subprocess.Popen(
			[*daemon_command(), "--config", str(self.ini)],
			stdout=self.log,
			stderr=subprocess.STDOUT,
			env=env,
			start_new_session=True,
		)

	def stop(self):
		self.proc.send_signal(signal.SIGTERM)
		try:
			self.proc.wait(timeout=15)
		except subprocess.TimeoutExpired:
			self.proc.kill()
		self.log.close()


@pytest.fixture
def bridge(tmp_path, line):
	modem = FakeModem(tmp_path / "ttyCID")
	daemon = Daemon(tmp_path, line, modem.path)
	modem.wait_for_command("AT+VCID=1", timeout=30)
	yield modem, daemon
	daemon.stop()
	modem.close()
	print((tmp_path / "daemon.log").read_text()[-3000:])


def listen(user: dict) -> tuple[socketio.Client, list, threading.Event]:
	web = Client(WEB_URL).login(user["user"], user["password"])
	received, seen = [], threading.Event()
	client = socketio.Client(reconnection=False)
	namespace = f"/{SITE}"

	def on_call(data):
		received.append((time.monotonic(), data))
		seen.set()

	client.on(CALL_EVENT, on_call, namespace=namespace)
	client.connect(
		f"http://127.0.0.1:{SOCKETIO_PORT}",
		namespaces=[namespace],
		headers={
			"Cookie": f"sid={web.http.cookies.get('sid')}",
			"Origin": WEB_URL,
			"X-Frappe-Site-Name": SITE,
		},
		transports=["polling"],
		wait_timeout=15,
	)
	return client, received, seen


def calls_of(admin: Client, line_id: str) -> list[dict]:
	r = admin.resource(
		"Phone Call Record",
		filters=json.dumps([["phone_line", "=", line_id]]),
		fields=json.dumps(["name", "phone_number", "event_id", "customer", "user"]),
		limit_page_length=0,
	)
	assert r.status_code == 200, r.text
	return r.json()["data"]


def wait_for(predicate, timeout: float, every: float = 0.3):
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		value = predicate()
		if value:
			return value
		time.sleep(every)
	return predicate()


def test_pty_call_pops_for_the_bound_user_only(stack, admin, team, line, bridge):
	modem, _daemon = bridge
	client_a, got_a, seen_a = listen(team["a"])
	client_b, got_b, seen_b = listen(team["b"])
	try:
		modem.write(modem_call(line["mobile"], "WANG WU"))
		assert seen_a.wait(20), "the bound salesperson's Desk got no pop"
		pop = got_a[0][1]
		assert pop["state"] == "known"
		assert pop["customer"]["name"] == line["customer"]["name"]
		assert pop["caller_name"] == "WANG WU"
		assert not seen_b.wait(1.5), "a user not bound to the line must not get the pop"
		# a customer outside the bound user's scope: the pop says only that the number is known
		seen_a.clear()
		modem.write(modem_call(line["theirs_mobile"], "LI SI"))
		assert seen_a.wait(20)
		hidden = got_a[1][1]
		assert hidden["state"] == "hidden" and "customer" not in hidden
		assert line["theirs"]["name"] not in json.dumps(hidden, ensure_ascii=False)
		assert got_b == []
	finally:
		client_a.disconnect()
		client_b.disconnect()
	records = wait_for(lambda: len(calls_of(admin, line["id"])) >= 2 and calls_of(admin, line["id"]), 10)
	ours = [r for r in records if r["phone_number"] == line["mobile"]]
	assert len(ours) == 1 and ours[0]["customer"] == line["customer"]["name"]


def test_click_to_dial_reaches_the_modem(stack, team, line, bridge):
	modem, _daemon = bridge
	seen = len(modem.commands)
	a = Client(WEB_URL).login(team["a"]["user"], team["a"]["password"])
	r = a.call("crm_suite.api.call_center.dial_customer", customer=line["customer"]["name"])
	assert r.status_code == 200, r.text
	assert modem.wait_for_command("ATD", timeout=20, after=seen) == f"ATD9{line['mobile']};"


def test_unplug_and_site_outage_lose_and_duplicate_nothing(stack, admin, line, bridge):
	modem, _daemon = bridge
	base = int(line["suffix"][-6:])
	numbers = [f"1360{(base + i) % 10_000_000:07d}" for i in range(12)]
	modem.write(modem_call(numbers[0], "ONE"))
	modem.write(modem_call(numbers[1], "TWO")[:20])  # half a transcript, then the cable is pulled
	modem.unplug()
	time.sleep(2)
	seen = len(modem.commands)
	modem.plug()
	# what a device sends while unplugged, or before the port is reopened, is gone (pyserial flushes on
	# open): a re-plugged modem is usable once the bridge has re-sent its init
	modem.wait_for_command("AT+VCID=1", timeout=30, after=seen)
	time.sleep(0.3)
	for n in numbers[1:4]:
		modem.write(modem_call(n, "AFTER PLUG"))
		modem.write(modem_call(n, "AFTER PLUG"))  # the ring burst repeats: one call
	assert wait_for(lambda: {r["phone_number"] for r in calls_of(admin, line["id"])} >= set(numbers[:4]), 30)

	web = stack["procs"]["web"]
	os.killpg(web.pid, signal.SIGTERM)
	web.wait(timeout=20)
	with pytest.raises(requests.RequestException):
		requests.get(f"{WEB_URL}/api/method/ping", timeout=2)
	began = time.monotonic()
	for n in numbers[4:10]:
		modem.write(modem_call(n, "DURING OUTAGE"))
		time.sleep(OUTAGE_SECONDS / 8)
	time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - began)))
	stack["procs"]["web"] = _start("web", web_process(SITE, WEB_PORT), {"DEV_SERVER": "1"})
	_wait_http(f"{WEB_URL}/api/method/ping")
	for n in numbers[10:]:
		modem.write(modem_call(n, "BACK"))

	def all_in():
		rows = [r for r in calls_of(admin, line["id"]) if r["phone_number"] in numbers]
		return rows if {r["phone_number"] for r in rows} == set(numbers) else None

	rows = wait_for(all_in, 60)
	assert rows, f"missing: {set(numbers) - {r['phone_number'] for r in calls_of(admin, line['id'])}}"
	time.sleep(2)  # any late retry would show up as a duplicate now
	rows = [r for r in calls_of(admin, line["id"]) if r["phone_number"] in numbers]
	assert sorted(r["phone_number"] for r in rows) == sorted(numbers), "zero lost, zero duplicated"
	assert len({r["event_id"] for r in rows}) == len(numbers)


def post(token: str | None, body, scheme: str = "token") -> requests.Response:
	headers = {"Authorization": f"{scheme} {token}"} if token else {}
	if isinstance(body, dict):
		return requests.post(f"{WEB_URL}/api/method/{INCOMING}", json=body, headers=headers, timeout=30)
	return requests.post(
		f"{WEB_URL}/api/method/{INCOMING}",
		data=body,
		headers={**headers, "Content-Type": "application/json"},
		timeout=30,
	)


def test_bad_tokens_and_bodies_are_refused_and_write_nothing(stack, admin, team, line):
	before = len(calls_of(admin, line["id"]))
	event = {"event_id": f"e2e-refused-{line['suffix']}", "line_id": line["id"], "number": "13800138000"}
	key = line["device"]["key"]
	cases = [
		(post(None, event), 401, "Authorization: token"),
		(post(f"{key}:wrong-secret", event), 401, ""),
		(post(team["a"]["token"], event), 403, "Caller ID Device"),
		(post(line["device"]["token"], {**event, "event_id": "bad id"}), 417, "event_id"),
		(post(line["device"]["token"], {**event, "number": "<script>"}), 417, "number may hold only digits"),
		(post(line["device"]["token"], {**event, "line_id": "no-such-line"}), 417, "not set up"),
		# a body that is not JSON at all is refused by Frappe's request parsing (500) before any endpoint
		(post(line["device"]["token"], "{not json"), None, ""),
	]
	for response, status, message in cases:
		if status is None:
			assert response.status_code != 200, response.text
			continue
		assert response.status_code == status, (status, response.text[:300])
		if message:
			assert message in response.text, response.text[:500]
	assert len(calls_of(admin, line["id"])) == before
	ok = post(line["device"]["token"], event)
	assert ok.status_code == 200, ok.text
	again = post(line["device"]["token"], event)
	assert again.json()["message"] == {"call": ok.json()["message"]["call"], "created": False}
	assert len(calls_of(admin, line["id"])) == before + 1
