"""CALL-01/02 benchmark: bytes written on a pty (a fake modem) → bridge daemon → site → socket.io event in
the bound user's client, on loopback, over 200 calls; p95 in ms. Baseline measured in the same run: the
site's own HTTP → realtime round trip (crm_suite.api.system.realtime_echo), i.e. the floor without the
serial line and the bridge.

Starts its own web and socketio processes on free ports, the daemon from the bench's console script, and
a socket.io listener from the test environment (.venv, made by scripts/test.sh; CRM_TEST_VENV)."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import emit_latency

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "support"))
CALLS = int(os.environ.get("CRM_BENCH_CALLS", "200"))

LISTENER = r"""
import json, sys, threading, time, requests, socketio
lock = threading.Lock()
web, sio_port, site, user, password = sys.argv[1:6]
s = requests.Session(); s.post(f"{web}/api/method/login", json={"usr": user, "pwd": password}).raise_for_status()
c = socketio.Client(reconnection=False)
ns = f"/{site}"
def out(kind, data, t=None):
    line = json.dumps({"kind": kind, "t": t or time.time(), "data": data}) + "\n"
    with lock:
        sys.stdout.write(line)
        sys.stdout.flush()
c.on("crm_suite_call", lambda d: out("call", d.get("caller_name")), namespace=ns)
c.on("crm_suite_echo", lambda d: out("echo", d.get("message")), namespace=ns)
c.connect(f"http://127.0.0.1:{sio_port}", namespaces=[ns], transports=["polling"],
    headers={"Cookie": f"sid={s.cookies.get('sid')}", "Origin": web, "X-Frappe-Site-Name": site}, wait_timeout=20)
out("ready", None)
for line in sys.stdin:
    msg = line.strip()
    t = time.time()
    r = s.post(f"{web}/api/method/crm_suite.api.system.realtime_echo", json={"message": msg})
    r.raise_for_status()
    out("sent", msg, t)
"""


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def setup_fixtures(frappe, suffix: str) -> dict:
	from frappe.core.doctype.user.user import generate_keys
	from frappe.utils.password import update_password

	from crm_suite.demo.load import ensure_user

	def user(email, roles):
		return ensure_user(email, email.split("@")[0], roles)

	device = user("bench-bridge@crm-suite.bench", ["Caller ID Device"])
	listener = user("bench-listener@crm-suite.bench", ["CRM Salesperson"])
	password = f"Bench!{suffix}"
	update_password(listener, password)
	secret = generate_keys(device)["api_secret"]
	key = frappe.db.get_value("User", device, "api_key")
	line_id = f"bench-line-{suffix}"
	frappe.get_doc(
		{"doctype": "Phone Line", "line_id": line_id, "device_user": device, "users": [{"user": listener}]}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	return {"line": line_id, "key": key, "secret": secret, "listener": listener, "password": password}


def wait_http(url: str, seconds: float = 60):
	import urllib.request

	deadline = time.monotonic() + seconds
	while time.monotonic() < deadline:
		try:
			urllib.request.urlopen(url, timeout=2)
			return
		except Exception:
			time.sleep(0.3)
	raise RuntimeError(f"{url} did not come up")


def run(frappe, scale: int, repeats: int = 3, **_):
	from fake_modem import FakeModem, modem_call

	bench_dir = Path(frappe.get_site_path()).resolve().parents[1]
	site = frappe.local.site
	suffix = str(int(time.time()))
	fx = setup_fixtures(frappe, suffix)
	web_port, sio_port = free_port(), free_port()
	web_url = f"http://127.0.0.1:{web_port}"
	env = {**os.environ, "PATH": f"{bench_dir / 'env' / 'bin'}:{os.environ['PATH']}"}
	tmp = Path(tempfile.mkdtemp(prefix="crm-bench-cid-"))
	procs = []

	def start(cmd, extra=None, **kw):
		log = open(tmp / f"{len(procs)}.log", "w")
		p = subprocess.Popen(cmd, cwd=bench_dir, env={**env, **(extra or {})}, stdout=kw.get("stdout", log),
			stderr=subprocess.STDOUT if "stdout" not in kw else log, stdin=kw.get("stdin"), text=True, start_new_session=True)  # fmt: skip
		procs.append(p)
		return p

	venv_python = Path(os.environ.get("CRM_TEST_VENV", REPO / ".venv")) / "bin" / "python"
	modem = None
	try:
		start(["bench", "--site", site, "serve", "--port", str(web_port), "--noreload"])
		start(["node", "apps/frappe/socketio.js"], {"FRAPPE_SOCKETIO_PORT": str(sio_port)})
		wait_http(f"{web_url}/api/method/ping")
		modem = FakeModem(tmp / "ttyCID")
		ini = tmp / "bridge.ini"
		ini.write_text(
			f"[bridge]\nport = {modem.path}\nline_id = {fx['line']}\nsite_url = {web_url}\napi_key = {fx['key']}\n"
			f"api_secret = {fx['secret']}\nqueue_path = {tmp / 'q.sqlite3'}\ndial = no\nlog_level = WARNING\n"
		)
		start([str(bench_dir / "env" / "bin" / "crm-suite-callerid"), "--config", str(ini)])
		modem.wait_for_command("AT+VCID=1", timeout=30)
		listener = start(
			[str(venv_python), "-c", LISTENER, web_url, str(sio_port), site, fx["listener"], fx["password"]],
			stdout=subprocess.PIPE, stdin=subprocess.PIPE,
		)  # fmt: skip

		def next_message(kind: str, data: str, timeout: float = 20):
			deadline = time.monotonic() + timeout
			while time.monotonic() < deadline:
				line = listener.stdout.readline()
				if not line:
					raise RuntimeError("listener exited")
				msg = json.loads(line)
				if msg["kind"] == kind and msg["data"] == data:
					return msg
			raise TimeoutError(f"no {kind} {data}")

		next_message("ready", None, 60)
		latencies = []
		for i in range(CALLS):
			name = f"BENCH {suffix} {i}"
			number = f"15{int(suffix) % 10**6:06d}{i:03d}"
			began = time.time()
			modem.write(modem_call(number, name))
			latencies.append(next_message("call", name)["t"] - began)
			time.sleep(0.02)
		echoes = []
		for i in range(50):
			tag = f"echo-{suffix}-{i}"
			began = time.time()
			listener.stdin.write(tag + "\n")
			listener.stdin.flush()
			got = next_message("echo", tag)
			echoes.append(got["t"] - began)
		emit_latency(
			"callerid_serial_to_socket_p95",
			latencies,
			echoes,
			frappe.db.count("Customer Account"),
			"HTTP realtime_echo -> socket.io round trip (p95), no serial line or bridge",
			max_ms=round(max(latencies) * 1000, 1),
		)
	finally:
		for p in reversed(procs):
			try:
				os.killpg(p.pid, 15)
			except ProcessLookupError:
				pass
		if modem:
			modem.close()
