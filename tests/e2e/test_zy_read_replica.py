"""Reports and dashboards served by a MariaDB read replica (issue 17, "beyond one machine"), for real.

The machine's MariaDB is left alone. The test starts a private pair of servers from the system's `mariadbd`
in a temporary folder, on loopback: a primary writing a ROW binlog and a read-only replica replicating from
it by GTID from its first transaction. It creates a site of the test bench on the primary, points the site's
config at the replica (`read_from_replica`, `replica_host`, `replica_db_port`: what a production site sets)
and serves the site with a web process of its own. Real users then work over REST: a salesperson adds a
customer, a manager runs, charts and exports the reports. Each server's general log shows which server
answered: the reports' queries are on the replica and not on the primary, the customer's insert is on the
primary only and reaches the replica by replication. The servers, their files and the site are removed at
the end, passed or failed; where `mariadbd` is missing or does not start the test skips with its reason.
"""

import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import ADMIN_PASSWORD, SITES, Client, _start, _wait_http, bench, web_process

MARIADBD = Path(os.environ.get("CRM_MARIADBD", "/usr/sbin/mariadbd"))
REPORT = "Customer Statistics"
NUMBER_CARD = (
	Path(__file__).resolve().parents[2]
	/ "apps/crm_suite/crm_suite/decision_centre/number_card/calls_this_month/calls_this_month.json"
)
CHART = "Customers by Lifecycle"
# the report's and the chart's aggregate over customers: a grouped SELECT on the customer table
CUSTOMER_AGGREGATE = re.compile(r"SELECT .*FROM `tabCustomer Account`.* GROUP BY ", re.IGNORECASE)
CUSTOMER_INSERT = re.compile(r"INSERT INTO `tabCustomer Account`", re.IGNORECASE)
# the card sums the call rollup (services/activity_rollup.py), not the raw call records
CALL_COUNT = re.compile(r"sum\(call_count\) as result\s+from `tabCall Daily Rollup`", re.IGNORECASE)


def _free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


@dataclass
class Server:
	"""One private MariaDB server: its folder, port, socket and general log."""

	name: str
	root: Path
	port: int = field(default_factory=_free_port)
	proc: subprocess.Popen | None = None

	@property
	def socket(self) -> Path:
		return self.root / "mariadb.sock"

	@property
	def general_log(self) -> Path:
		return self.root / "general.log"

	def start(self, server_id: int, *options: str) -> None:
		cmd = [
			str(MARIADBD),
			"--no-defaults",
			f"--datadir={self.root / 'data'}",
			f"--socket={self.socket}",
			f"--port={self.port}",
			"--bind-address=127.0.0.1",
			f"--pid-file={self.root / 'mariadb.pid'}",
			f"--log-error={self.root / 'error.log'}",
			f"--server-id={server_id}",
			"--character-set-server=utf8mb4",
			"--collation-server=utf8mb4_unicode_ci",
			"--skip-name-resolve",
			"--innodb-buffer-pool-size=128M",
			# a throw-away server: no fsync per commit, so that the site installs quickly
			"--innodb-flush-log-at-trx-commit=0",
			"--sync-binlog=0",
			"--innodb-doublewrite=0",
			*options,
		]
		if os.geteuid() == 0:
			cmd.append("--user=root")
		self.proc = subprocess.Popen(
			cmd, cwd=self.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
		)
		deadline = time.monotonic() + 60
		while time.monotonic() < deadline:
			if self.proc.poll() is not None:
				break
			if self.socket.exists() and self.sql("SELECT 1", check=False).returncode == 0:
				return
			time.sleep(0.3)
		error_log = (self.root / "error.log").read_text(errors="replace")[-1500:]
		raise RuntimeError(f"the private {self.name} MariaDB did not start:\n{error_log}")

	def sql(self, statement: str, check: bool = True) -> subprocess.CompletedProcess:
		"""A statement as the server's root, over its socket."""
		result = subprocess.run(
			[_client(), "--no-defaults", "-uroot", f"--socket={self.socket}", "-N", "-B", "-e", statement],
			capture_output=True,
			text=True,
			timeout=120,
		)
		if check and result.returncode:
			raise RuntimeError(f"{self.name}: {statement}: {result.stderr}")
		return result

	def value(self, statement: str) -> str:
		return self.sql(statement).stdout.strip()

	def status(self, variable: str) -> int:
		return int(self.value(f"SHOW GLOBAL STATUS LIKE '{variable}'").split("\t")[1])

	def log_mark(self) -> int:
		return self.general_log.stat().st_size if self.general_log.exists() else 0

	def log_since(self, mark: int) -> str:
		with self.general_log.open("rb") as log:
			log.seek(mark)
			return log.read().decode("utf-8", errors="replace")

	def stop(self) -> None:
		if not self.proc or self.proc.poll() is not None:
			return
		try:
			os.killpg(self.proc.pid, signal.SIGTERM)
			self.proc.wait(timeout=30)
		except subprocess.TimeoutExpired:
			os.killpg(self.proc.pid, signal.SIGKILL)
			self.proc.wait(timeout=10)
		except ProcessLookupError:
			pass


def _client() -> str:
	return shutil.which("mariadb") or shutil.which("mysql") or "mariadb"


def _why_not() -> str | None:
	"""Why a private server cannot be started here (None when it can)."""
	if not MARIADBD.exists():
		return f"{MARIADBD} is not installed"
	if not shutil.which("mariadb-install-db"):
		return "mariadb-install-db is not installed"
	if not (shutil.which("mariadb") or shutil.which("mysql")):
		return "no MariaDB client (mariadb) is installed"
	return None


@dataclass
class World:
	primary: Server
	replica: Server
	site: str
	db_name: str
	db_password: str
	web: str
	admin: Client
	salesperson: dict
	manager: dict


def _start_pair(root: Path, servers: list) -> tuple[Server, Server, str]:
	"""Primary and replica, replicating from the primary's first transaction; returns the admin password
	of the primary (an account for `new-site`, replicated like everything else)."""
	primary, replica = Server("primary", root / "primary"), Server("replica", root / "replica")
	servers += [primary, replica]  # stopped by the caller, also when one of them does not start
	primary.root.mkdir()
	install = subprocess.run(
		[
			"mariadb-install-db",
			"--no-defaults",
			f"--datadir={primary.root / 'data'}",
			"--auth-root-authentication-method=socket",
			"--skip-test-db",
			*(["--user=root"] if os.geteuid() == 0 else []),
		],
		capture_output=True,
		text=True,
		timeout=180,
	)
	if install.returncode:
		pytest.skip(f"mariadb-install-db failed here: {install.stderr[-500:]}")
	# the same empty system tables on both sides: the replica starts as a copy taken before any transaction
	shutil.copytree(primary.root, replica.root, symlinks=True)
	try:
		primary.start(1, f"--log-bin={primary.root / 'binlog'}", "--binlog-format=ROW")
		replica.start(2, "--read-only=1", f"--relay-log={replica.root / 'relay'}")
	except RuntimeError as e:
		pytest.skip(str(e))
	admin_password, repl_password = secrets.token_hex(12), secrets.token_hex(12)
	replica.sql(
		f"CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={primary.port}, MASTER_USER='repl', "
		f"MASTER_PASSWORD='{repl_password}', MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos; START SLAVE"
	)
	primary.sql(
		f"CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY '{repl_password}';"
		"GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';"
		f"CREATE USER 'crm_admin'@'127.0.0.1' IDENTIFIED BY '{admin_password}';"
		"GRANT ALL PRIVILEGES ON *.* TO 'crm_admin'@'127.0.0.1' WITH GRANT OPTION;"
	)
	return primary, replica, admin_password


def _caught_up(primary: Server, replica: Server) -> None:
	"""Wait until the replica has applied everything the primary has written so far."""
	position = primary.value("SELECT @@gtid_binlog_pos")
	waited = replica.value(f"SELECT MASTER_GTID_WAIT('{position}', 120)")
	assert waited == "0", replica.value("SHOW SLAVE STATUS")


def _people(admin: Client) -> tuple[dict, dict]:
	"""A salesperson and the manager of their department, each with an API token."""
	suffix = str(int(time.time()))
	department = f"副本部{suffix}"
	admin.insert(
		"Sales Department", {"department_name": department, "parent_sales_department": "All Departments"}
	)
	people = []
	for key, role, manages in (("a", "CRM Salesperson", 0), ("m", "CRM Manager", 1)):
		email = f"replica-{key}-{suffix}@crm-suite.test"
		admin.insert(
			"User",
			{
				"email": email,
				"first_name": f"Replica {key}",
				"send_welcome_email": 0,
				"roles": [{"role": role}],
			},
		)
		position = admin.insert(
			"Sales Position",
			{"position_name": f"副本{key}", "sales_department": department, "manages_subordinates": manages},
		)
		admin.insert("Sales Staff", {"user": email, "sales_position": position["name"]})
		r = admin.call("frappe.core.doctype.user.user.generate_keys", user=email)
		assert r.status_code == 200, r.text
		api_key = admin.resource("User", email).json()["data"]["api_key"]
		token = f"{api_key}:{r.json()['message']['api_secret']}"
		people.append({"user": email, "client": Client(admin.base, token=token)})
	return people[0], people[1]


@pytest.fixture(scope="module")
def world():
	if reason := _why_not():
		pytest.skip(f"no private MariaDB pair: {reason}")
	# in memory where the machine has a tmpfs: the site's install is thousands of DDL statements
	shm = Path("/dev/shm")
	root = Path(tempfile.mkdtemp(prefix="crm-replica-", dir=shm if os.access(shm, os.W_OK) else None))
	started = time.monotonic()
	site = f"crm-replica-{int(time.time())}.localhost"
	servers: list[Server] = []
	web = None
	try:
		primary, replica, admin_password = _start_pair(root, servers)
		print(
			f"\nprivate primary :{primary.port} and replica :{replica.port} up in {time.monotonic() - started:.0f}s"
		)
		installed = bench(
			"new-site",
			site,
			"--db-host",
			"127.0.0.1",
			"--db-port",
			str(primary.port),
			"--db-root-username",
			"crm_admin",
			"--db-root-password",
			admin_password,
			"--mariadb-user-host-login-scope=%",
			"--admin-password",
			ADMIN_PASSWORD,
			"--install-app",
			"crm_suite",
			check=False,
			timeout=900,
		)
		assert installed.returncode == 0, (installed.stdout + installed.stderr)[-3000:]
		config_path = SITES / site / "site_config.json"
		config = json.loads(config_path.read_text())
		# what a production site sets to read from its replica (README, "Read replica")
		config.update({"read_from_replica": 1, "replica_host": "127.0.0.1", "replica_db_port": replica.port})
		config_path.write_text(json.dumps(config, indent=1))
		_caught_up(primary, replica)
		print(f"site {site} on the primary, replica caught up, at {time.monotonic() - started:.0f}s")
		web_port = _free_port()
		web = _start(f"replica-web-{web_port}", web_process(site, web_port), {"DEV_SERVER": "1"})
		base = f"http://127.0.0.1:{web_port}"
		_wait_http(f"{base}/api/method/ping", 120)
		admin = Client(base).login("Administrator", ADMIN_PASSWORD)
		salesperson, manager = _people(admin)
		for server in servers:
			server.sql(f"SET GLOBAL general_log_file='{server.general_log}'; SET GLOBAL general_log=1")
		yield World(
			primary,
			replica,
			site,
			config["db_name"],
			config["db_password"],
			base,
			admin,
			salesperson,
			manager,
		)
	finally:
		if web is not None:
			try:
				os.killpg(web.pid, signal.SIGTERM)
				web.wait(timeout=15)
			except ProcessLookupError:
				pass
			except subprocess.TimeoutExpired:
				os.killpg(web.pid, signal.SIGKILL)
		for server in servers:
			server.stop()
		shutil.rmtree(SITES / site, ignore_errors=True)
		shutil.rmtree(root, ignore_errors=True)


def _observed(world: World, request) -> tuple[object, str, str, dict]:
	"""Run `request()` and return its response, the primary's and the replica's general log meanwhile, and
	the Com_select / Com_insert growth on each server."""
	_caught_up(world.primary, world.replica)
	counters = ("Com_select", "Com_insert")
	before = {(s.name, c): s.status(c) for s in (world.primary, world.replica) for c in counters}
	marks = world.primary.log_mark(), world.replica.log_mark()
	response = request()
	logs = world.primary.log_since(marks[0]), world.replica.log_since(marks[1])
	grown = {
		f"{name}.{c}": s.status(c) - before[(name, c)]
		for s in (world.primary, world.replica)
		for name in (s.name,)
		for c in counters
	}
	print(f"\n{grown}")
	return response, logs[0], logs[1], grown


# a general-log entry begins with "[date time]<tab> <thread id> <command><tab>"; a query's own lines follow
ENTRY = re.compile(r"^(?:\d{6}\s+\d{1,2}:\d{2}:\d{2})?\t\s*\d+ \w+(?: \w+)?\t", re.MULTILINE)


def _lines(log: str, pattern: re.Pattern) -> list[str]:
	"""The log's statements (each on one line, whitespace collapsed) that match `pattern`."""
	starts = [m.start() for m in ENTRY.finditer(log)] + [len(log)]
	statements = (" ".join(log[a:b].split()) for a, b in pairwise(starts))
	return [statement for statement in statements if pattern.search(statement)]


def _customer(world: World, label: str) -> str:
	r = world.salesperson["client"].http.post(
		f"{world.web}/api/resource/Customer Account",
		json={
			"customer_name": f"副本{label}{int(time.time() * 1000)}有限公司",
			"website": "https://replica.cn",
		},
		timeout=60,
	)
	assert r.status_code == 200, r.text
	return r.json()["data"]["name"]


def test_salespersons_insert_is_written_on_the_primary_and_replicated(world):
	response, primary_log, replica_log, grown = _observed(world, lambda: _customer(world, "写"))
	assert _lines(primary_log, CUSTOMER_INSERT), primary_log[-3000:]
	assert grown["primary.Com_insert"] >= 1
	# the replica's own clients wrote nothing (its copy comes from the binlog, applied by its SQL thread)
	assert not _lines(replica_log, re.compile(r"\b(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)), replica_log[
		-3000:
	]
	_caught_up(world.primary, world.replica)
	copied = world.replica.value(
		f"SELECT owner FROM `{world.db_name}`.`tabCustomer Account` WHERE name='{response}'"
	)
	assert copied == world.salesperson["user"]
	# and the replica refuses the site's own database user any write: it is read-only
	assert world.replica.value("SELECT @@read_only") == "1"
	refused = subprocess.run(
		[
			_client(),
			"--no-defaults",
			"-h127.0.0.1",
			f"-P{world.replica.port}",
			f"-u{world.db_name}",
			f"-p{world.db_password}",
			world.db_name,
			"-e",
			f"UPDATE `tabCustomer Account` SET website='https://x.cn' WHERE name='{response}'",
		],
		capture_output=True,
		text=True,
		timeout=60,
	)
	assert refused.returncode != 0 and "read-only" in refused.stderr, refused


def test_manager_runs_the_report_on_the_replica(world):
	_customer(world, "报表")
	manager = world.manager["client"]
	filters = {"from_date": "2000-01-01", "to_date": "2100-12-31", "group_by": "Salesperson"}
	response, primary_log, replica_log, grown = _observed(
		world,
		lambda: manager.call("frappe.desk.query_report.run", report_name=REPORT, filters=json.dumps(filters)),
	)
	assert response.status_code == 200, response.text
	rows = {
		row.get("salesperson"): row for row in response.json()["message"]["result"] if isinstance(row, dict)
	}
	assert rows[world.salesperson["user"]]["customers"] >= 1, rows
	assert _lines(replica_log, CUSTOMER_AGGREGATE), replica_log[-3000:]
	assert not _lines(primary_log, CUSTOMER_AGGREGATE), _lines(primary_log, CUSTOMER_AGGREGATE)
	# the primary only answered the request's own bookkeeping (session, user), the replica the report
	assert grown["replica.Com_select"] > grown["primary.Com_select"], grown


def test_number_card_and_chart_read_on_the_replica(world):
	manager = world.manager["client"]
	card = json.loads(NUMBER_CARD.read_text())
	response, primary_log, replica_log, _grown = _observed(
		world,
		lambda: manager.call(
			"frappe.desk.doctype.number_card.number_card.get_result",
			doc=json.dumps(card),
			filters=card["filters_json"],
		),
	)
	assert response.status_code == 200, response.text
	assert response.json()["message"] == 0
	assert _lines(replica_log, CALL_COUNT), replica_log[-3000:]
	assert not _lines(primary_log, CALL_COUNT), primary_log[-3000:]
	assert not _lines(primary_log, re.compile("`tabPhone Call Record`")), primary_log[-3000:]

	response, primary_log, replica_log, _grown = _observed(
		world,
		lambda: manager.call(
			"frappe.desk.doctype.dashboard_chart.dashboard_chart.get", chart_name=CHART, refresh=1
		),
	)
	assert response.status_code == 200, response.text
	assert sum(response.json()["message"]["datasets"][0]["values"]) >= 1, response.text
	assert _lines(replica_log, CUSTOMER_AGGREGATE), replica_log[-3000:]
	assert not _lines(primary_log, CUSTOMER_AGGREGATE), _lines(primary_log, CUSTOMER_AGGREGATE)
	# the chart's one write, its sync stamp, went to the primary (the replica would have refused it)
	assert _lines(
		primary_log, re.compile(r"UPDATE `tabDashboard Chart` SET .*`last_synced_on`", re.I)
	), primary_log[-3000:]


def test_report_export_reads_on_the_replica(world):
	from openpyxl import load_workbook

	manager = world.manager["client"]
	filters = {"from_date": "2000-01-01", "to_date": "2100-12-31", "group_by": "Salesperson"}
	response, primary_log, replica_log, _grown = _observed(
		world,
		lambda: manager.http.post(
			f"{world.web}/api/method/frappe.desk.query_report.export_query",
			data={
				"report_name": REPORT,
				"file_format_type": "Excel",
				"filters": json.dumps(filters),
				"visible_idx": "[]",
			},
			timeout=120,
		),
	)
	assert response.status_code == 200, response.text[:2000]
	sheet = load_workbook(io.BytesIO(response.content)).active
	cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
	assert world.salesperson["user"] in cells, cells
	assert _lines(replica_log, CUSTOMER_AGGREGATE), replica_log[-3000:]
	assert not _lines(primary_log, CUSTOMER_AGGREGATE), _lines(primary_log, CUSTOMER_AGGREGATE)


def test_customer_export_reads_on_the_replica_and_logs_on_the_primary(world):
	from openpyxl import load_workbook

	name = _customer(world, "导出")
	salesperson = world.salesperson["client"]
	response, primary_log, replica_log, _grown = _observed(
		world,
		lambda: salesperson.call(
			"crm_suite.api.customers.export_customers", filters=json.dumps([["name", "=", name]])
		),
	)
	assert response.status_code == 200, response.text[:2000]
	sheet = load_workbook(io.BytesIO(response.content)).active
	assert any(name in map(str, row) for row in sheet.iter_rows(values_only=True))
	customer_read = re.compile(r"SELECT .*FROM `tabCustomer Account`.* WHERE .*" + re.escape(name), re.I)
	assert _lines(replica_log, customer_read), replica_log[-3000:]
	assert not _lines(primary_log, customer_read), _lines(primary_log, customer_read)
	# the export's access log is a write inside the read-only request: Frappe sends it to the primary
	assert _lines(primary_log, re.compile(r"INSERT INTO `tabAccess Log`", re.I)), primary_log[-3000:]


def test_sales_target_card_reads_on_the_replica(world):
	manager = world.manager["client"]
	response, primary_log, replica_log, _grown = _observed(
		world, lambda: manager.call("crm_suite.api.sales.target_attainment_card", http="GET")
	)
	assert response.status_code == 200, response.text
	targets = re.compile(r"FROM `tabSales (Target|Opportunity)`", re.I)
	assert _lines(replica_log, targets), replica_log[-3000:]
	assert not _lines(primary_log, targets), _lines(primary_log, targets)
