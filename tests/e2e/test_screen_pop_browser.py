# ruff: noqa: F811  (pytest fixtures imported from callerid_fixtures are parameters here)
"""CALL-02 screen pop in a real headless Chromium (Debian's `chromium`), driven over the DevTools protocol
with websocket-client: the salesperson's Desk shows the pop with the customer; a customer outside their
scope shows only "known number". Skipped, with the reason printed, when no browser can be had."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests
from callerid_fixtures import line
from conftest import BROWSERS, SITE, SOCKETIO_PORT, WEB_PORT, WEB_URL, Client, find_browser

INCOMING = "crm_suite.api.callerid.incoming_call"


class DevTools:
	"""Just enough of the Chrome DevTools protocol: commands by id, JavaScript evaluation."""

	def __init__(self, ws_url: str):
		import websocket

		self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
		self.next_id = 0

	def send(self, method: str, **params):
		self.next_id += 1
		self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
		while True:
			message = json.loads(self.ws.recv())
			if message.get("id") == self.next_id:
				if "error" in message:
					raise RuntimeError(f"{method}: {message['error']}")
				return message.get("result", {})

	def evaluate(self, expression: str):
		result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
		if "exceptionDetails" in result:
			raise RuntimeError(result["exceptionDetails"].get("text"))
		return result["result"].get("value")

	def wait_for(self, expression: str, timeout: float = 60):
		deadline = time.monotonic() + timeout
		while time.monotonic() < deadline:
			try:
				value = self.evaluate(expression)
			except RuntimeError:
				value = None
			if value:
				return value
			time.sleep(0.25)
		raise TimeoutError(f"browser never satisfied: {expression}")

	def close(self):
		self.ws.close()


@pytest.fixture(scope="module")
def browser(stack, admin):
	path = find_browser()
	if not path:
		pytest.skip(f"no Chromium/Chrome found (looked for {', '.join(BROWSERS)}; set CRM_CHROMIUM)")
	# The stack's web server runs as a dev server (no nginx), so the Desk connects to the test bench's
	# socketio port; the site's setup wizard was completed by its admin (the `admin` fixture).
	admin.http.get(f"{WEB_URL}/api/method/ping", timeout=10).raise_for_status()
	profile = tempfile.mkdtemp(prefix="crm-chromium-")
	proc = subprocess.Popen(
		[
			path,
			"--headless",
			"--no-sandbox",
			"--disable-background-networking",
			"--disable-gpu",
			"--disable-dev-shm-usage",
			"--no-first-run",
			"--remote-debugging-address=127.0.0.1",
			"--remote-debugging-port=0",
			f"--user-data-dir={profile}",
			"about:blank",
		],
		stdout=subprocess.DEVNULL,
		stderr=subprocess.PIPE,
		text=True,
	)
	port_file = Path(profile) / "DevToolsActivePort"
	deadline = time.monotonic() + 30
	while not port_file.exists() and time.monotonic() < deadline:
		if proc.poll() is not None:
			pytest.skip(f"{path} exited at start: {proc.stderr.read()[-500:]}")
		time.sleep(0.1)
	if not port_file.exists():
		proc.kill()
		pytest.skip(f"{path} opened no DevTools port within 30s")
	port = port_file.read_text().split()[0]
	yield port
	proc.terminate()
	try:
		proc.wait(timeout=10)
	except subprocess.TimeoutExpired:
		proc.kill()
	shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def desk(browser, team):
	"""Salesperson A's Desk in a fresh tab, signed in, realtime connected."""
	target = requests.put(f"http://127.0.0.1:{browser}/json/new?about:blank", timeout=10).json()
	tools = DevTools(target["webSocketDebuggerUrl"])
	session = Client(WEB_URL).login(team["a"]["user"], team["a"]["password"])
	for name, value in session.http.cookies.items():
		tools.send("Network.setCookie", name=name, value=value, url=WEB_URL)
	# on 127.0.0.1 the socketio server learns the site from this header (as Frappe's own clients send it)
	tools.send("Network.enable")
	tools.send("Network.setExtraHTTPHeaders", headers={"X-Frappe-Site-Name": SITE})
	tools.send("Page.navigate", url=f"{WEB_URL}/app/call-center")
	tools.wait_for(
		"typeof frappe !== 'undefined' && !!frappe.boot && !!window.crm_suite && !!crm_suite.show_call_pop"
		" && !!frappe.realtime.socket && frappe.realtime.socket.connected",
		timeout=90,
	)
	yield tools
	tools.close()
	requests.get(f"http://127.0.0.1:{browser}/json/close/{target['id']}", timeout=10)


def post_call(line: dict, number: str, event_id: str) -> str:
	r = requests.post(
		f"{WEB_URL}/api/method/{INCOMING}",
		json={"event_id": event_id, "line_id": line["id"], "number": number, "name": "BROWSER TEST"},
		headers={"Authorization": f"token {line['device']['token']}"},
		timeout=30,
	)
	assert r.status_code == 200, r.text
	return r.json()["message"]["call"]


def pop_text(call: str) -> str:
	return f"(() => {{ const el = document.querySelector('.crm-call-pop[data-call=\"{call}\"]'); return el && el.offsetParent !== null ? el.dataset.state + '|' + el.innerText : null; }})()"


def test_screen_pop_shows_the_customer_in_the_desk(desk, line):
	call = post_call(line, line["mobile"], f"browser-known-{line['suffix']}")
	state, text = desk.wait_for(pop_text(call), timeout=20).split("|", 1)
	assert state == "known"
	assert line["customer"]["customer_name"] in text
	buttons = desk.evaluate(
		"Array.from(document.querySelectorAll('.crm-call-pop-dialog .modal-footer button')).map(b => b.innerText.trim())"
	)
	assert any("Open Customer" in b or "打开客户" in b for b in buttons), buttons
	# a question from the caller becomes an inquiry (SPEC SVC-01)
	assert any("New Inquiry" in b or "新建咨询" in b for b in buttons), buttons


def test_screen_pop_hides_a_customer_outside_the_scope(desk, line):
	call = post_call(line, line["theirs_mobile"], f"browser-hidden-{line['suffix']}")
	state, text = desk.wait_for(pop_text(call), timeout=20).split("|", 1)
	assert state == "hidden"
	assert line["theirs"]["customer_name"] not in text
	assert line["theirs_mobile"] not in text  # masked
