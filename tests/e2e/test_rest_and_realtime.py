"""Foundation end to end: token REST with row scope (ORG-03), realtime to the right user only,
through the web process and through a background worker."""

import json
import threading

import socketio
from conftest import SITE, WEB_URL, Client


def test_ping_with_api_token(stack, team):
	client = Client(WEB_URL, token=team["a"]["token"])
	r = client.call("crm_suite.api.system.ping", http="GET")
	assert r.status_code == 200, r.text
	assert r.json()["message"]["user"] == team["a"]["user"]


def test_bad_token_is_refused(stack, team):
	key = team["a"]["token"].split(":")[0]
	r = Client(WEB_URL, token=f"{key}:not-the-secret").call("crm_suite.api.system.ping", http="GET")
	assert r.status_code in (401, 403)


def test_rest_lists_and_documents_respect_row_scope(stack, admin, team):
	mine = admin.insert(
		"Customer Account",
		{
			"customer_name": "端到端甲科技有限公司",
			"website": "https://a.cn",
			"salesperson": team["a"]["user"],
		},
	)
	theirs = admin.insert(
		"Customer Account",
		{
			"customer_name": "端到端乙科技有限公司",
			"website": "https://b.cn",
			"salesperson": team["b"]["user"],
		},
	)
	a = Client(WEB_URL, token=team["a"]["token"])
	listed = {row["name"] for row in a.resource("Customer Account", limit_page_length=0).json()["data"]}
	assert mine["name"] in listed
	assert theirs["name"] not in listed
	assert a.resource("Customer Account", mine["name"]).status_code == 200
	assert a.resource("Customer Account", theirs["name"]).status_code == 403
	# the generic list API used by the Desk, with a filter on the other salesperson, leaks nothing either
	r = a.call(
		"frappe.client.get_list",
		doctype="Customer Account",
		filters={"salesperson": team["b"]["user"]},
		fields=["name"],
		limit_page_length=0,
	)
	assert r.status_code == 200 and r.json()["message"] == []
	# counts leak nothing either (frappe.client.get_count is overridden with a scoped count)
	for method in ("frappe.client.get_count", "frappe.desk.reportview.get_count"):
		r = a.call(
			method,
			http="GET",
			doctype="Customer Account",
			filters=json.dumps({"salesperson": team["b"]["user"]}),
		)
		assert r.status_code == 200, r.text
		assert r.json()["message"] == 0, method


def _listen(user: dict, received: list, event: threading.Event) -> socketio.Client:
	web = Client(WEB_URL).login(user["user"], user["password"])
	sid = web.http.cookies.get("sid")
	client = socketio.Client(reconnection=False)
	namespace = f"/{SITE}"

	def on_echo(data):
		received.append(data)
		event.set()

	client.on("crm_suite_echo", on_echo, namespace=namespace)
	client.connect(
		f"http://127.0.0.1:{stack_port()}",
		namespaces=[namespace],
		headers={"Cookie": f"sid={sid}", "Origin": WEB_URL, "X-Frappe-Site-Name": SITE},
		transports=["polling"],
		wait_timeout=15,
	)
	return client


def stack_port() -> int:
	from conftest import SOCKETIO_PORT

	return SOCKETIO_PORT


def _round_trip(team, via_worker: bool):
	got_a, got_b = [], []
	seen_a, seen_b = threading.Event(), threading.Event()
	listener_a = _listen(team["a"], got_a, seen_a)
	listener_b = _listen(team["b"], got_b, seen_b)
	try:
		a = Client(WEB_URL, token=team["a"]["token"])
		r = a.call("crm_suite.api.system.realtime_echo", message="你好", via_worker=int(via_worker))
		assert r.status_code == 200, r.text
		assert seen_a.wait(20), "the caller's own socket got the event"
		assert got_a[0]["message"] == "你好"
		assert got_a[0]["via_worker"] is via_worker
		assert not seen_b.wait(1.5), "another user's socket must not get it"
		assert got_b == []
	finally:
		listener_a.disconnect()
		listener_b.disconnect()


def test_realtime_reaches_only_the_user(stack, team):
	_round_trip(team, via_worker=False)


def test_realtime_from_background_worker(stack, team):
	_round_trip(team, via_worker=True)


def test_all_processes_stay_up(stack):
	for name, proc in stack["procs"].items():
		assert proc.poll() is None, f"{name} exited with {proc.returncode}"
