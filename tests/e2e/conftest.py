"""End-to-end stack: web, socketio, worker and scheduler on loopback only, in the test bench.

Started once per run by scripts/test.sh's e2e layer, torn down at the end. The test bench (CRM_TEST_BENCH,
default <bench>/.crm_suite_test) shares the bench's Frappe copy and Python environment but has its own
sites, Redis servers (FRAPPE_REDIS_CACHE / FRAPPE_REDIS_QUEUE, exported by test.sh), scheduler lock
(FRAPPE_BENCH_ROOT) and ports, so a demo site running on the bench is never touched. Clients talk to the
stack exactly as integrators and browsers do.
"""

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

BENCH = Path(os.environ.get("CRM_BENCH", Path.home() / "frappe-bench"))
TEST_BENCH = Path(os.environ.get("CRM_TEST_BENCH", BENCH / ".crm_suite_test"))
SITES = TEST_BENCH / "sites"
PYTHON = BENCH / "env" / "bin" / "python"
SITE = os.environ.get("CRM_SITE", "crm-test.localhost")
DEMO_SITE = os.environ.get("CRM_DEMO_SITE")
WEB_PORT = int(os.environ.get("CRM_WEB_PORT", "18000"))
SOCKETIO_PORT = int(os.environ.get("CRM_SOCKETIO_PORT", "19000"))
WEB_URL = f"http://127.0.0.1:{WEB_PORT}"
ADMIN_PASSWORD = os.environ.get("CRM_ADMIN_PASSWORD", "admin")
LOG_DIR = Path(os.environ.get("CRM_E2E_LOGS", Path(__file__).resolve().parents[2] / ".test-output"))


BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def exc_type(r) -> str | None:
	"""The exception class Frappe names in an error response (None when the body is not JSON)."""
	try:
		return r.json().get("exc_type")
	except ValueError:
		return None


def post_resource(client: "Client", doctype: str, doc: dict, timeout: int = 120):
	"""POST a new document over REST and return the raw response (the status is the test's to check)."""
	return client.http.post(f"{WEB_URL}/api/resource/{doctype}", json=doc, timeout=timeout)


def find_browser() -> str | None:
	"""Debian's chromium (or CRM_CHROMIUM): the browser tests never download one."""
	explicit = os.environ.get("CRM_CHROMIUM")
	if explicit and Path(explicit).exists():
		return explicit
	for name in BROWSERS:
		if path := shutil.which(name):
			return path
	return None


def _test_bench_env() -> dict:
	"""The environment every process of the test bench runs in (test.sh exports it; set here too so that
	pytest can be run on its own against a prepared test bench)."""
	env = {**os.environ, "PATH": f"{BENCH / 'env' / 'bin'}:{os.environ['PATH']}"}
	env.setdefault("FRAPPE_BENCH_ROOT", str(TEST_BENCH))
	env.setdefault("PYTHONPATH", str(TEST_BENCH / "apps" / "crm_suite"))
	config_path = SITES / "common_site_config.json"
	if config_path.exists():
		config = json.loads(config_path.read_text())
		env.setdefault("FRAPPE_REDIS_CACHE", config.get("redis_cache", ""))
		env.setdefault("FRAPPE_REDIS_QUEUE", config.get("redis_queue", ""))
	return env


def frappe_argv(*args: str) -> list[str]:
	"""What `bench <args>` runs for a Frappe command, without the bench CLI: the bench's Python."""
	return [str(PYTHON), "-m", "frappe.utils.bench_helper", "frappe", *args]


def bench(*args: str, check: bool = True, timeout: int = 300) -> subprocess.CompletedProcess:
	"""`bench <args>` (a Frappe command: --site, execute, mariadb, install-app …) in the test bench."""
	return subprocess.run(
		frappe_argv(*args),
		cwd=SITES,
		env=_test_bench_env(),
		check=check,
		timeout=timeout,
		capture_output=True,
		text=True,
	)


def frappe_popen(args: list[str], **kwargs) -> subprocess.Popen:
	"""A Frappe command in the test bench, in the background."""
	return subprocess.Popen(frappe_argv(*args), cwd=SITES, env=_test_bench_env(), **kwargs)


def _start(name: str, cmd: list[str], extra_env: dict | None = None) -> subprocess.Popen:
	LOG_DIR.mkdir(parents=True, exist_ok=True)
	log = open(LOG_DIR / f"e2e-{name}.log", "w")
	return subprocess.Popen(
		cmd,
		cwd=SITES,
		env={**_test_bench_env(), **(extra_env or {})},
		stdout=log,
		stderr=subprocess.STDOUT,
		start_new_session=True,
	)


def web_process(site: str, port: int) -> list[str]:
	"""The Desk and REST server of one site. DEV_SERVER (set when started) makes the Desk connect to the
	socketio port straight, as there is no nginx in front."""
	return frappe_argv("--site", site, "serve", "--port", str(port), "--noreload")


def _wait_http(url: str, seconds: float = 60) -> None:
	deadline = time.monotonic() + seconds
	while time.monotonic() < deadline:
		try:
			if requests.get(url, timeout=2).status_code < 500:
				return
		except requests.RequestException:
			pass
		time.sleep(0.3)
	raise RuntimeError(f"{url} did not come up in {seconds}s")


@pytest.fixture(scope="session")
def stack():
	bench("--site", SITE, "enable-scheduler")
	procs = {
		"web": _start("web", web_process(SITE, WEB_PORT), {"DEV_SERVER": "1"}),
		"socketio": _start(
			"socketio",
			["node", str(TEST_BENCH / "apps" / "frappe" / "socketio.js")],
			{"FRAPPE_SOCKETIO_PORT": str(SOCKETIO_PORT)},
		),
		"worker": _start("worker", frappe_argv("worker", "--queue", "short,default,long")),
		# imports run on the long queue: a worker of its own, as production benches run a long-queue worker
		"worker_long": _start("worker_long", frappe_argv("worker", "--queue", "long")),
		"scheduler": _start("scheduler", frappe_argv("schedule")),
	}

	def stop():
		for proc in procs.values():
			try:
				os.killpg(proc.pid, signal.SIGTERM)
			except ProcessLookupError:
				pass
		for proc in procs.values():
			try:
				proc.wait(timeout=15)
			except subprocess.TimeoutExpired:
				os.killpg(proc.pid, signal.SIGKILL)

	try:
		_wait_http(f"{WEB_URL}/api/method/ping")
		_wait_http(f"http://127.0.0.1:{SOCKETIO_PORT}/socket.io/?EIO=4&transport=polling")
		yield {"procs": procs, "web_url": WEB_URL, "site": SITE, "socketio_port": SOCKETIO_PORT, "stop": stop}
	finally:
		stop()


class Client:
	"""A REST client as integrators use it: session login or `Authorization: token key:secret`."""

	def __init__(self, base: str, token: str | None = None):
		self.base = base
		self.http = requests.Session()
		if token:
			self.http.headers["Authorization"] = f"token {token}"

	def login(self, user: str, password: str) -> "Client":
		r = self.http.post(f"{self.base}/api/method/login", json={"usr": user, "pwd": password}, timeout=30)
		r.raise_for_status()
		return self

	def call(self, method: str, http: str = "POST", **params):
		fn = self.http.post if http == "POST" else self.http.get
		kw = {"json": params} if http == "POST" else {"params": params}
		return fn(f"{self.base}/api/method/{method}", timeout=30, **kw)

	def resource(self, doctype: str, name: str | None = None, **params):
		path = f"{self.base}/api/resource/{doctype}" + (f"/{name}" if name else "")
		return self.http.get(path, params=params, timeout=30)

	def rows(self, doctype: str, filters: list, fields: list[str] | None = None) -> list[dict]:
		"""Every row of a list request (filters and fields as Python lists), as the REST API scopes it."""
		r = self.resource(
			doctype,
			filters=json.dumps(filters),
			fields=json.dumps(fields or ["name"]),
			limit_page_length=0,
		)
		assert r.status_code == 200, r.text
		return r.json()["data"]

	def insert(self, doctype: str, doc: dict) -> dict:
		r = self.http.post(f"{self.base}/api/resource/{doctype}", json=doc, timeout=30)
		assert r.status_code == 200, r.text
		return r.json()["data"]


@pytest.fixture(scope="session")
def admin(stack) -> Client:
	client = Client(stack["web_url"]).login("Administrator", ADMIN_PASSWORD)
	# The site as its admin leaves it: the setup wizard completed over the API the wizard itself calls
	# (in English: the assertions below read English messages; the demo site's wizard is tested in Chinese).
	r = client.call(
		"frappe.desk.page.setup_wizard.setup_wizard.setup_complete",
		args={"language": "English", "country": "China", "timezone": "Asia/Shanghai", "currency": "CNY"},
	)
	assert r.status_code == 200, r.text
	return client


@pytest.fixture(scope="session")
def team(admin) -> dict:
	"""Two salespeople in two teams, each with a password (Desk/socket login) and an API token."""
	suffix = str(int(time.time()))
	admin.insert(
		"Sales Department",
		{"department_name": f"E2E部{suffix}", "parent_sales_department": "All Departments"},
	)
	people = {}
	for key in ("a", "b"):
		email = f"e2e-{key}-{suffix}@crm-suite.test"
		password = f"E2e!{suffix}{key}Pw"
		admin.insert(
			"User",
			{
				"email": email,
				"first_name": f"E2E {key}",
				"send_welcome_email": 0,
				"new_password": password,
				"roles": [{"role": "CRM Salesperson"}],
			},
		)
		position = admin.insert(
			"Sales Position", {"position_name": f"销售{key}", "sales_department": f"E2E部{suffix}"}
		)
		admin.insert("Sales Staff", {"user": email, "sales_position": position["name"]})
		secret = admin.call("frappe.core.doctype.user.user.generate_keys", user=email).json()["message"][
			"api_secret"
		]
		api_key = admin.resource("User", email).json()["data"]["api_key"]
		people[key] = {"user": email, "password": password, "token": f"{api_key}:{secret}"}
	manager = f"e2e-m-{suffix}@crm-suite.test"
	admin.insert(
		"User",
		{
			"email": manager,
			"first_name": "E2E m",
			"send_welcome_email": 0,
			"roles": [{"role": "CRM Manager"}],
		},
	)
	position = admin.insert(
		"Sales Position",
		{"position_name": "经理", "sales_department": f"E2E部{suffix}", "manages_subordinates": 1},
	)
	admin.insert("Sales Staff", {"user": manager, "sales_position": position["name"]})
	secret = admin.call("frappe.core.doctype.user.user.generate_keys", user=manager).json()["message"][
		"api_secret"
	]
	api_key = admin.resource("User", manager).json()["data"]["api_key"]
	people["m"] = {"user": manager, "token": f"{api_key}:{secret}"}
	return people


ROLES_UNDER_TEST = ("salesperson", "manager", "crm_admin", "device", "website", "guest")


def token_user(admin: Client, local: str, roles: list[str]) -> tuple[str, str]:
	"""A user holding exactly `roles` (none: a Website User) and its API token."""
	email = f"{local}-{int(time.time())}@crm-suite.test"
	admin.insert(
		"User",
		{
			"email": email,
			"first_name": local,
			"send_welcome_email": 0,
			"user_type": "System User" if roles else "Website User",
			"roles": [{"role": r} for r in roles],
		},
	)
	secret = admin.call("frappe.core.doctype.user.user.generate_keys", user=email).json()["message"][
		"api_secret"
	]
	api_key = admin.resource("User", email).json()["data"]["api_key"]
	return email, f"{api_key}:{secret}"


@pytest.fixture(scope="session")
def role_clients(stack, admin, team) -> dict:
	"""One REST client per role of the security matrix (issue 12): a salesperson and a manager of `team`,
	a user holding only CRM Admin, a caller-ID device user, a Website User, and Guest (no credentials)."""
	crm_admin, crm_admin_token = token_user(admin, "e2e-crm-admin", ["CRM Admin"])
	device, device_token = token_user(admin, "e2e-device", ["Caller ID Device"])
	website, website_token = token_user(admin, "e2e-website", [])
	return {
		"salesperson": {"user": team["a"]["user"], "client": Client(WEB_URL, token=team["a"]["token"])},
		"manager": {"user": team["m"]["user"], "client": Client(WEB_URL, token=team["m"]["token"])},
		"crm_admin": {"user": crm_admin, "client": Client(WEB_URL, token=crm_admin_token)},
		"device": {"user": device, "client": Client(WEB_URL, token=device_token)},
		"website": {"user": website, "client": Client(WEB_URL, token=website_token)},
		"guest": {"user": "Guest", "client": Client(WEB_URL)},
	}
