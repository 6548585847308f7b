# ruff: noqa: F811  (pytest fixtures imported from callerid_fixtures are parameters here)
"""The integrator's guide (`docs/integrators.md`, issue 19) is true: its examples run, in order, against the test
site with a salesperson's token (curl blocks in bash, Python blocks in one shared session), and the webhooks its
last example sets up fire — a claim, an approved transfer, a deal won, a payment received and an incoming call
each reach an HTTP receiver started here, once, with the document's data."""

import json
import os
import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from callerid_fixtures import line
from conftest import WEB_URL, Client, token_user

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "integrators.md"
BLOCK = re.compile(r"^```(python|bash)\n(.*?)^```", re.S | re.M)
EVENTS = ("claim", "transfer", "deal_won", "payment", "incoming_call")


class Receiver:
	"""An integrator's webhook endpoint: records every POST (path, JSON body)."""

	def __init__(self):
		self.hits: list[tuple[str, dict]] = []
		hits = self.hits

		class Handler(BaseHTTPRequestHandler):
			def do_POST(self):
				body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
				try:
					data = json.loads(body or b"{}")
				except ValueError:
					data = {"raw": body.decode(errors="replace")}
				hits.append((self.path, data))
				self.send_response(200)
				self.end_headers()
				self.wfile.write(b"ok")

			def log_message(self, *args):
				pass

		self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
		threading.Thread(target=self.server.serve_forever, daemon=True).start()

	def wait(self, event: str, key: str, value: str, seconds: float = 90) -> list[dict]:
		deadline = time.monotonic() + seconds
		while time.monotonic() < deadline:
			found = [d for p, d in self.hits if p.endswith(f"/{event}") and d.get(key) == value]
			if found:
				time.sleep(1)  # a second delivery, if any, would come now
				return [d for p, d in self.hits if p.endswith(f"/{event}") and d.get(key) == value]
			time.sleep(0.5)
		return []


@pytest.fixture(scope="module")
def guide(admin, team):
	receiver = Receiver()
	_admin_user, admin_token = token_user(admin, "e2e-integrator-admin", ["System Manager"])
	env = {
		**os.environ,
		"CRM_URL": WEB_URL,
		"CRM_TOKEN": team["a"]["token"],
		"CRM_ADMIN_TOKEN": admin_token,
		"CRM_HOOK_URL": receiver.url,
	}
	yield {"env": env, "receiver": receiver}
	receiver.server.shutdown()
	# the webhooks the guide made go, so later tests' saves do not post to a closed port
	for hook in admin.rows("Webhook", [["request_url", "like", f"{receiver.url}%"]]):
		admin.http.delete(f"{WEB_URL}/api/resource/Webhook/{hook['name']}", timeout=30)


def test_the_guide_examples_run(guide, team):
	blocks = BLOCK.findall(GUIDE.read_text())
	assert sum(1 for kind, _ in blocks if kind == "python") >= 6 and any(kind == "bash" for kind, _ in blocks)
	old = {k: os.environ.get(k) for k in ("CRM_URL", "CRM_TOKEN", "CRM_ADMIN_TOKEN", "CRM_HOOK_URL")}
	os.environ.update({k: guide["env"][k] for k in old})
	session: dict = {"__name__": "integrators_guide"}
	try:
		for number, (kind, code) in enumerate(blocks, 1):
			if kind == "bash":
				r = subprocess.run(
					["bash", "-euo", "pipefail", "-c", code],
					env=guide["env"],
					capture_output=True,
					text=True,
					timeout=60,
				)
				assert r.returncode == 0, (number, code, r.stdout[-500:], r.stderr[-500:])
				assert r.stdout.strip(), (number, "the example printed nothing")
			else:
				exec(compile(code, f"{GUIDE.name}#block{number}", "exec"), session)
	finally:
		for key, value in old.items():
			if value is None:
				os.environ.pop(key, None)
			else:
				os.environ[key] = value
	guide["session"] = session
	assert session["customer"]["salesperson"] == team["a"]["user"]  # the token acts as its user
	assert session["follow_up"]["customer"] == session["customer"]["name"]
	hooks = {h["request_url"].rsplit("/", 1)[-1] for h in _webhooks(guide)}
	assert hooks == set(EVENTS), hooks


def _webhooks(guide) -> list[dict]:
	admin = Client(WEB_URL, token=guide["env"]["CRM_ADMIN_TOKEN"])
	return admin.rows(
		"Webhook", [["request_url", "like", f"{guide['receiver'].url}%"]], ["name", "request_url", "enabled"]
	)


def _fill(client: Client, opportunity: str, to_stage: str) -> dict:
	"""The values a move to `to_stage` asks for, typed by the field's type."""
	needs = client.call(
		"crm_suite.api.sales.move_requirements", http="GET", opportunity=opportunity, to_stage=to_stage
	).json()["message"]
	assert "refused" not in needs, needs
	meta = client.call("frappe.desk.form.load.getdoctype", http="GET", doctype="Sales Opportunity").json()
	types = {df["fieldname"]: df["fieldtype"] for doc in meta["docs"] for df in doc.get("fields", [])}
	values = {}
	for field in needs["fields"]:
		if field["filled"]:
			continue
		kind = types.get(field["fieldname"], "Data")
		if kind in ("Currency", "Float", "Int", "Percent"):
			values[field["fieldname"]] = 10000
		elif kind in ("Date", "Datetime"):
			values[field["fieldname"]] = time.strftime("%Y-%m-%d")
		else:
			values[field["fieldname"]] = "接口测试"
	return values


def test_webhooks_fire_once_per_event(guide, admin, team, line):
	if "session" not in guide:
		pytest.skip("the guide's examples did not run (see the test before)")
	receiver = guide["receiver"]
	a = Client(WEB_URL, token=team["a"]["token"])
	m = Client(WEB_URL, token=team["m"]["token"])
	suffix = str(int(time.time()))

	# a claim from the pool
	pool = admin.rows("Customer Pool", [["pool_type", "=", "Customer"], ["is_default", "=", 1]])[0]["name"]
	pooled = admin.insert(
		"Customer Account",
		{"customer_name": f"公海钩子{suffix}有限公司", "website": "https://hook.cn", "customer_pool": pool},
	)["name"]
	r = a.call("crm_suite.api.pool.claim", names=[pooled])
	assert r.status_code == 200, r.text[:300]
	hits = receiver.wait("claim", "customer", pooled)
	assert len(hits) == 1 and hits[0]["by"] == team["a"]["user"], receiver.hits

	# an approved transfer to a colleague
	r = a.call(
		"crm_suite.api.pool.request_transfer",
		customer=pooled,
		to_salesperson=team["b"]["user"],
		reason="客户搬迁",
	)
	assert r.status_code == 200, r.text[:300]
	request = r.json()["message"]
	request = request if isinstance(request, str) else request.get("name")
	doc = admin.resource("Customer Transfer Request", request).json()["data"]
	r = m.call("frappe.model.workflow.apply_workflow", doc=doc, action="Approve")
	assert r.status_code == 200, r.text[:300]
	assert len(receiver.wait("transfer", "customer", pooled)) == 1, receiver.hits

	# a deal won
	session = guide["session"]
	customer, opportunity = session["customer"]["name"], session["opportunity"]["name"]
	r = a.call(
		"crm_suite.api.sales.move_stage",
		opportunity=opportunity,
		to_stage="赢单",
		feedback="签约",
		values=_fill(a, opportunity, "赢单"),
	)
	assert r.status_code == 200, r.text[:300]
	assert len(receiver.wait("deal_won", "customer", customer)) == 1, receiver.hits

	# a payment received
	product = admin.insert(
		"Sales Product",
		{"product_name": f"钩子产品{suffix}", "unit": "台", "list_price": 100, "default_tax_rate": 0},
	)["name"]
	order = a.insert(
		"Customer Order", {"customer": customer, "lines": [{"product": product, "qty": 1}], "docstatus": 1}
	)["name"]
	payment = a.insert(
		"Customer Payment", {"customer": customer, "customer_order": order, "amount": 100, "docstatus": 1}
	)["name"]
	hits = receiver.wait("payment", "name", payment)
	assert len(hits) == 1 and hits[0]["customer"] == customer, receiver.hits

	# an incoming call from the caller-ID bridge
	r = Client(WEB_URL, token=line["device"]["token"]).call(
		"crm_suite.api.callerid.incoming_call",
		event_id=f"hook-{suffix}",
		line_id=line["id"],
		number=line["mobile"],
	)
	assert r.status_code == 200, r.text[:300]
	call = r.json()["message"]["call"]
	hits = receiver.wait("incoming_call", "name", call)
	assert len(hits) == 1 and hits[0]["customer"] == line["customer"]["name"], receiver.hits
