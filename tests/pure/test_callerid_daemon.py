"""CALL-01 bridge daemon without a site: a fake modem on a pty (and a TCP serial server) through the real
serial loop, a durable SQLite outbox with idempotency keys, repeat suppression, reconnect with init
re-sent, outage retries, the HTTP client against a stub site, and the command line."""

import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from crm_suite.hardware import daemon
from crm_suite.hardware.daemon import (
	Bridge,
	BridgeConfig,
	ConfigError,
	DedupWindow,
	Outbox,
	PermanentError,
	TransientError,
)
from crm_suite.hardware.events import make_event

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from fake_modem import FakeModem, modem_call


class FakeSite:
	"""Records what the bridge posts; `down` makes every call a transient failure (site outage)."""

	def __init__(self):
		self.calls: list[tuple[str, dict]] = []
		self.down = False
		self.refuse = set()
		self.dial_commands: list[dict] = []
		self.lock = threading.Lock()

	def call(self, method, payload):
		if self.down:
			raise TransientError("connection refused")
		if method.endswith("next_dial_commands"):
			out, self.dial_commands = self.dial_commands, []
			return out
		if payload.get("number") in self.refuse:
			raise PermanentError("HTTP 417: bad number")
		with self.lock:
			self.calls.append((method, payload))
		return {"ok": True}

	def numbers(self):
		return [p.get("number") for m, p in self.calls if m == daemon.INCOMING]


def wait_until(predicate, timeout=10.0):
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		if predicate():
			return True
		time.sleep(0.02)
	return False


@pytest.fixture
def config(tmp_path):
	return BridgeConfig(
		port=str(tmp_path / "ttyCID0"),
		line_id="desk-1",
		site_url="http://127.0.0.1:9",
		api_key="k",
		api_secret="s",
		queue_path=str(tmp_path / "queue.sqlite3"),
		dial_poll_seconds=0.1,
		retry_min_seconds=0.05,
		retry_max_seconds=0.2,
		reconnect_min_seconds=0.05,
		reconnect_max_seconds=0.2,
		quiet_flush_seconds=0.3,
		log_format="text",
	)


@pytest.fixture
def running(config):
	"""A fake modem plugged in, a bridge with all its threads running against a fake site."""
	modem = FakeModem(config.port)
	site = FakeSite()
	bridge = Bridge(config, client=site)
	threads = bridge.start()
	modem.wait_for_command("AT+VCID=1")  # init done: the port is open and listening
	yield modem, site, bridge
	bridge.shutdown(threads)
	modem.close()


def test_outbox_is_idempotent_and_survives_a_restart(tmp_path):
	path = str(tmp_path / "q.sqlite3")
	box = Outbox(path)
	assert box.put("evt-1", "m", {"number": "1"}) is True
	assert box.put("evt-1", "m", {"number": "changed"}) is False
	box.put("evt-2", "m", {"number": "2"})
	box.db.close()
	reopened = Outbox(path)
	assert [(k, p["number"]) for k, _m, p, _a in reopened.due()] == [("evt-1", "1"), ("evt-2", "2")]
	reopened.delivered("evt-1")
	reopened.retry_later("evt-2", 60)
	assert reopened.due() == []
	assert reopened.pending_count() == 1


def test_dedup_window_drops_repeats_within_a_call_only():
	window = DedupWindow(seconds=10)
	call = make_event("test", b"", number="13800138000", line_id="desk-1")
	other = make_event("test", b"", number="13900139000", line_id="desk-1")
	assert window.is_repeat(call, 0) is False
	assert window.is_repeat(call, 6) is True  # second ring burst
	assert window.is_repeat(other, 7) is False
	assert window.is_repeat(call, 15) is True  # still ringing: each repeat extends the window
	assert window.is_repeat(call, 30) is False  # a new call from the same number


def test_modem_calls_on_a_pty_reach_the_site_once_each(running):
	modem, site, bridge = running
	modem.write(modem_call("13800138000", "ZHANG SAN"))
	modem.write(modem_call("13800138000", "ZHANG SAN"))  # the next ring repeats the caller ID
	modem.write(modem_call("01088888888"))  # no NAME: emitted when the line goes quiet (flush)
	assert wait_until(lambda: len(site.numbers()) == 2), site.calls
	assert site.numbers() == ["13800138000", "01088888888"]
	first = site.calls[0][1]
	assert first["line_id"] == "desk-1" and first["name"] == "ZHANG SAN"
	assert first["event_id"].startswith("desk-1-") and first["call_time"].count("T") == 1
	assert bridge.stats["duplicates"] == 1


def test_site_outage_queues_calls_and_delivers_them_after(running):
	modem, site, bridge = running
	site.down = True
	for i in range(5):
		modem.write(modem_call(f"1380013800{i}", f"CALLER {i}"))
	assert wait_until(lambda: bridge.stats["queued"] == 5)
	time.sleep(0.3)
	assert site.calls == []
	assert bridge.outbox.pending_count() == 5
	site.down = False
	assert wait_until(lambda: len(site.numbers()) == 5)
	assert site.numbers() == [f"1380013800{i}" for i in range(5)]
	assert len({p["event_id"] for _m, p in site.calls}) == 5
	assert bridge.outbox.pending_count() == 0


def test_refused_events_are_parked_not_retried_forever(running):
	modem, site, bridge = running
	site.refuse.add("13800000000")
	modem.write(modem_call("13800000000", "BAD"))
	modem.write(modem_call("13900000000", "GOOD"))
	assert wait_until(lambda: site.numbers() == ["13900000000"])
	assert bridge.outbox.pending_count() == 0
	failed = bridge.outbox.db.execute("select failed from outbox where failed is not null").fetchall()
	assert failed and "417" in failed[0][0]


def test_unplug_and_replug_reconnects_resends_init_and_loses_nothing(running):
	modem, site, bridge = running
	modem.write(modem_call("13800138001", "BEFORE"))
	assert wait_until(lambda: site.numbers() == ["13800138001"])
	modem.unplug()
	assert wait_until(lambda: bridge.stats["reconnects"] >= 2)  # open keeps failing while unplugged
	seen = len(modem.commands)
	modem.plug()
	modem.wait_for_command("ATZ", after=seen)
	modem.wait_for_command("AT+VCID=1", after=seen)
	modem.write(modem_call("13800138002", "AFTER"))
	assert wait_until(lambda: site.numbers() == ["13800138001", "13800138002"])


def test_click_to_dial_writes_atd_with_the_prefix(running):
	modem, site, _bridge = running
	seen = len(modem.commands)
	site.dial_commands = [{"command": "cmd1", "dial_string": "913800138000", "number": "13800138000"}]
	assert modem.wait_for_command("ATD", after=seen) == "ATD913800138000;"
	assert wait_until(lambda: any(m == daemon.DIAL_RESULT for m, _p in site.calls))
	result = next(p for m, p in site.calls if m == daemon.DIAL_RESULT)
	assert result == {"command": "cmd1", "ok": True, "error": None}


def test_socket_url_reads_a_lan_serial_server(config):
	server = socket.socket()
	server.bind(("127.0.0.1", 0))
	server.listen(1)
	config.port = f"socket://127.0.0.1:{server.getsockname()[1]}"
	config.profile = "dtmf_box"
	site = FakeSite()
	bridge = Bridge(config, client=site)
	threads = bridge.start()
	try:
		conn, _ = server.accept()
		# pyserial empties the input on open (as on a real port): talk once the port is open
		assert wait_until(lambda: bridge.serial is not None)
		conn.sendall(b"D13800138000C\r\n")
		assert wait_until(lambda: site.numbers() == ["13800138000"])
		conn.close()  # the serial server drops the connection: the bridge reconnects
		conn, _ = server.accept()
		assert wait_until(lambda: bridge.serial is not None and bridge.stats["reconnects"] == 1)
		conn.sendall(b"A02187654321#\r\n")
		assert wait_until(lambda: site.numbers() == ["13800138000", "02187654321"])
		conn.close()
	finally:
		bridge.shutdown(threads)
		server.close()


class StubSite(BaseHTTPRequestHandler):
	posts: list = []
	status = 200

	def do_POST(self):
		body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
		StubSite.posts.append((self.path, self.headers["Authorization"], body))
		self.send_response(StubSite.status)
		self.send_header("Content-Type", "application/json")
		self.end_headers()
		if StubSite.status == 200:
			self.wfile.write(json.dumps({"message": {"created": True}}).encode())
		else:
			message = json.dumps({"message": "number may hold only digits"})
			self.wfile.write(
				json.dumps(
					{"exc_type": "MalformedCallEvent", "_server_messages": json.dumps([message])}
				).encode()
			)

	def log_message(self, *args):
		pass


@pytest.fixture
def stub_site():
	StubSite.posts, StubSite.status = [], 200
	server = ThreadingHTTPServer(("127.0.0.1", 0), StubSite)
	thread = threading.Thread(target=server.serve_forever, daemon=True)
	thread.start()
	yield f"http://127.0.0.1:{server.server_address[1]}"
	server.shutdown()


def test_cli_simulate_posts_with_the_token(stub_site, tmp_path, capsys):
	ini = tmp_path / "bridge.ini"
	ini.write_text(
		f"[bridge]\nline_id = desk-7\nsite_url = {stub_site}\napi_key = KEY ; comment\napi_secret = SECRET\n"
		f"queue_path = {tmp_path / 'q.sqlite3'}\nlog_format = json\n"
	)
	assert daemon.main(["--config", str(ini), "--simulate", "13800138000", "--simulate", "01088888888"]) == 0
	assert [p[0] for p in StubSite.posts] == [f"/api/method/{daemon.INCOMING}"] * 2
	assert {p[1] for p in StubSite.posts} == {"token KEY:SECRET"}
	assert [p[2]["number"] for p in StubSite.posts] == ["13800138000", "01088888888"]
	logs = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
	assert [e["event"] for e in logs].count("delivered") == 2


def test_site_client_classifies_refusals_and_outages(stub_site):
	client = daemon.SiteClient(BridgeConfig(site_url=stub_site, api_key="k", api_secret="s"))
	StubSite.status = 417
	with pytest.raises(PermanentError, match="417: number may hold only digits"):
		client.call(daemon.INCOMING, {"event_id": "x"})
	StubSite.status = 503
	with pytest.raises(TransientError, match="503"):
		client.call(daemon.INCOMING, {"event_id": "x"})
	down = daemon.SiteClient(
		BridgeConfig(site_url="http://127.0.0.1:9", api_key="k", api_secret="s", http_timeout_seconds=2)
	)
	with pytest.raises(TransientError):
		down.call(daemon.INCOMING, {})


def test_config_is_checked(tmp_path):
	with pytest.raises(ConfigError, match="missing config keys"):
		BridgeConfig.load(None, {"line_id": "x"}).validate()
	with pytest.raises(ConfigError, match="https://"):
		BridgeConfig.load(
			None, {"line_id": "x", "site_url": "crm.cn", "api_key": "k", "api_secret": "s", "port": "/dev/x"}
		).validate()
	with pytest.raises(ConfigError, match="not a float"):
		BridgeConfig.load(None, {"dedup_seconds": "ten"})
	assert daemon.main(["--line-id", "x"]) == 2
