"""The caller-ID bridge (SPEC CALL-01, CALL-04): `crm-suite-callerid --config /etc/crm-suite/callerid.ini`.

Reads a serial caller-ID device (a tty path, or a `socket://host:port` / `rfc2217://` URL for LAN
serial servers) with pyserial, decodes it with the device profile's parser, drops repeated ring bursts
of one call, stores each call in a local SQLite queue with an idempotency key *before* sending it, and
posts it to the site over HTTPS (or HTTP on a LAN) with the device user's API token. Unplugging the
device, a network outage or a site restart lose nothing: the port is reopened with back-off (and the
modem init re-sent), queued calls are retried until the site acknowledges them, and the site ignores
a retried event id. It also polls the site for click-to-dial commands and dials them (`ATD…;`).

Never imports frappe: it runs on the PC the device is plugged into.

Config file (INI, section [bridge]; every key can also be given as --key on the command line):

	[bridge]
	port = /dev/serial/by-id/usb-Conexant_USB_Modem-if00    ; or socket://192.168.1.50:4001
	baudrate = 115200                  ; default: the profile's
	profile = modem                    ; modem | fsk_box | dtmf_box | gsm
	line_id = sales-desk-1
	site_url = https://crm.example.cn
	api_key = …
	api_secret = …
	local_area_code = 010              ; sent along, the site uses the line's own setting
	queue_path = /var/lib/crm-suite/callerid.sqlite3
	dial = yes                         ; poll the site for click-to-dial commands
"""

from __future__ import annotations

import argparse
import configparser
import json
import logging
import os
import queue
import signal
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path

from crm_suite.hardware.events import CallerIdEvent, make_event
from crm_suite.hardware.profiles import DeviceProfile, get_profile
from crm_suite.policies.callerid_wire import call_kind, new_event_id, valid_line_id

log = logging.getLogger("crm_suite.callerid")

INCOMING = "crm_suite.api.callerid.incoming_call"
CALL_ENDED = "crm_suite.api.callerid.call_ended"
NEXT_DIAL = "crm_suite.api.callerid.next_dial_commands"
DIAL_RESULT = "crm_suite.api.callerid.dial_result"


# --------------------------------------------------------------------------------------------------
# Configuration


@dataclass
class BridgeConfig:
	port: str = ""
	line_id: str = ""
	site_url: str = ""
	api_key: str = ""
	api_secret: str = ""
	profile: str = "modem"
	baudrate: int = 0  # 0: the profile's
	local_area_code: str = ""
	queue_path: str = "callerid-queue.sqlite3"
	dial: bool = True
	dial_poll_seconds: float = 2.0
	quiet_flush_seconds: float = 0.5  # idle line: flush the decoder (records without an explicit end)
	dedup_seconds: float = 10.0  # repeats of one call's caller ID within this window are dropped
	reconnect_min_seconds: float = 0.5
	reconnect_max_seconds: float = 30.0
	retry_min_seconds: float = 0.5
	retry_max_seconds: float = 15.0
	http_timeout_seconds: float = 10.0
	verify_tls: bool = True
	log_format: str = "json"  # json | text
	log_level: str = "INFO"
	extra_init: str = ""  # more AT commands after the profile's, separated by ";"

	@classmethod
	def load(cls, path: str | None, overrides: dict | None = None) -> BridgeConfig:
		values: dict = {}
		if path:
			parser = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
			if not parser.read(path, encoding="utf-8"):
				raise ConfigError(f"config file {path} cannot be read")
			if parser.has_section("bridge"):
				values.update(parser["bridge"])
		values.update({k: v for k, v in (overrides or {}).items() if v is not None})
		config = cls()
		for f in fields(cls):
			if f.name in values:
				setattr(config, f.name, _coerce(f.type, values[f.name], f.name))
		return config

	def validate(self, need_port: bool = True) -> None:
		missing = [k for k in ("line_id", "site_url", "api_key", "api_secret") if not getattr(self, k)]
		if need_port and not self.port:
			missing.append("port")
		if missing:
			raise ConfigError(f"missing config keys: {', '.join(missing)}")
		if not valid_line_id(self.line_id):
			raise ConfigError(
				"line_id may hold letters, digits and . _ : @ / - (1 to 64, starting with a letter or digit)"
			)
		if not self.site_url.startswith(("http://", "https://")):
			raise ConfigError("site_url must start with https:// (or http:// on a trusted LAN)")
		get_profile(self.profile)


class ConfigError(ValueError):
	pass


def _coerce(kind, value, name):
	kind = kind if isinstance(kind, str) else kind.__name__
	try:
		if kind == "bool":
			return (
				value if isinstance(value, bool) else str(value).strip().lower() in ("1", "yes", "true", "on")
			)
		if kind == "int":
			return int(value)
		if kind == "float":
			return float(value)
	except ValueError:
		raise ConfigError(f"{name}: {value!r} is not a {kind}") from None
	return str(value)


# --------------------------------------------------------------------------------------------------
# Structured logs


class JsonFormatter(logging.Formatter):
	def format(self, record: logging.LogRecord) -> str:
		entry = {
			"ts": datetime.fromtimestamp(record.created).isoformat(timespec="milliseconds"),
			"level": record.levelname,
			"event": record.getMessage(),
		}
		entry.update(getattr(record, "fields", {}))
		if record.exc_info:
			entry["error"] = self.formatException(record.exc_info).splitlines()[-1]
		return json.dumps(entry, ensure_ascii=False, default=str)


def setup_logging(fmt: str, level: str) -> None:
	handler = logging.StreamHandler(sys.stderr)
	handler.setFormatter(
		JsonFormatter() if fmt == "json" else logging.Formatter("%(asctime)s %(levelname)s %(message)s")
	)
	root = logging.getLogger("crm_suite")
	root.handlers[:] = [handler]
	root.setLevel(level.upper())
	root.propagate = False


def emit(level: int, event: str, **fields_) -> None:
	log.log(level, event, extra={"fields": fields_})


# --------------------------------------------------------------------------------------------------
# Durable outbox


class Outbox:
	"""Calls and reports waiting for the site, in SQLite: written before the first send attempt, kept
	until the site acknowledges, keyed by the idempotency key the site deduplicates on."""

	def __init__(self, path: str):
		Path(path).parent.mkdir(parents=True, exist_ok=True)
		self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
		self.lock = threading.Lock()
		self.wake = threading.Event()
		with self.lock:
			self.db.execute("pragma journal_mode=wal")
			self.db.execute("pragma synchronous=full")
			self.db.execute(
				"create table if not exists outbox (key text primary key, method text not null,"
				" payload text not null, created real not null, attempts integer not null default 0,"
				" next_try real not null default 0, delivered real, failed text)"
			)
			self.db.execute("create index if not exists outbox_pending on outbox (delivered, next_try)")

	def put(self, key: str, method: str, payload: dict) -> bool:
		"""Queue once per key; False when the key is already there (a replay)."""
		with self.lock:
			cursor = self.db.execute(
				"insert or ignore into outbox (key, method, payload, created) values (?, ?, ?, ?)",
				(key, method, json.dumps(payload, ensure_ascii=False), time.time()),
			)
		self.wake.set()
		return cursor.rowcount == 1

	def due(self, limit: int = 50) -> list[tuple[str, str, dict, int]]:
		with self.lock:
			rows = self.db.execute(
				"select key, method, payload, attempts from outbox where delivered is null and failed is null"
				" and next_try <= ? order by created limit ?",
				(time.time(), limit),
			).fetchall()
		return [(k, m, json.loads(p), a) for k, m, p, a in rows]

	def delivered(self, key: str) -> None:
		with self.lock:
			self.db.execute("update outbox set delivered = ? where key = ?", (time.time(), key))

	def retry_later(self, key: str, delay: float) -> None:
		with self.lock:
			self.db.execute(
				"update outbox set attempts = attempts + 1, next_try = ? where key = ?",
				(time.time() + delay, key),
			)

	def pause(self, delay: float) -> None:
		"""The site is unreachable: hold everything back, so calls still arrive in the order they rang."""
		with self.lock:
			self.db.execute(
				"update outbox set next_try = ? where delivered is null and failed is null",
				(time.time() + delay,),
			)

	def give_up(self, key: str, reason: str) -> None:
		with self.lock:
			self.db.execute("update outbox set failed = ? where key = ?", (reason[:500], key))

	def pending_count(self) -> int:
		with self.lock:
			return self.db.execute(
				"select count(*) from outbox where delivered is null and failed is null"
			).fetchone()[0]

	def next_due_in(self) -> float | None:
		with self.lock:
			row = self.db.execute(
				"select min(next_try) from outbox where delivered is null and failed is null"
			).fetchone()
		return None if row[0] is None else max(0.0, row[0] - time.time())

	def prune(self, older_than_days: float = 30) -> None:
		with self.lock:
			self.db.execute(
				"delete from outbox where delivered is not null and delivered < ?",
				(time.time() - older_than_days * 86400,),
			)


# --------------------------------------------------------------------------------------------------
# Site client


class TransientError(Exception):
	"""Try again later: network down, site restarting, 5xx, 429."""


class PermanentError(Exception):
	"""The site refused the content (401/403/404/417): retrying the same request cannot help."""


class SiteClient:
	def __init__(self, config: BridgeConfig):
		import requests

		self.requests = requests
		self.base = config.site_url.rstrip("/")
		self.timeout = config.http_timeout_seconds
		self.session = requests.Session()
		self.session.verify = config.verify_tls
		self.session.headers.update(
			{
				"Authorization": f"token {config.api_key}:{config.api_secret}",
				"User-Agent": "crm-suite-callerid/1",
				"Accept": "application/json",
			}
		)

	def call(self, method: str, payload: dict):
		try:
			response = self.session.post(
				f"{self.base}/api/method/{method}", json=payload, timeout=self.timeout
			)
		except self.requests.RequestException as e:
			raise TransientError(f"{type(e).__name__}: {e}") from None
		if response.status_code == 200:
			return response.json().get("message")
		detail = _error_text(response)
		if response.status_code in (408, 429) or response.status_code >= 500:
			raise TransientError(f"HTTP {response.status_code}: {detail}")
		raise PermanentError(f"HTTP {response.status_code}: {detail}")


def _error_text(response) -> str:
	try:
		body = response.json()
	except ValueError:
		return response.text[:200]
	messages = body.get("_server_messages")
	if messages:
		try:
			return "; ".join(json.loads(m).get("message", m) for m in json.loads(messages))[:300]
		except (ValueError, AttributeError):
			pass
	return str(body.get("exception") or body.get("exc_type") or body)[:300]


# --------------------------------------------------------------------------------------------------
# The bridge


@dataclass
class DedupWindow:
	"""Drops a caller-ID event equal (dedup_key) to one seen on the line within `seconds`; each repeat
	extends the window, so a call that keeps ringing stays one call."""

	seconds: float
	seen: dict = field(default_factory=dict)

	def is_repeat(self, event: CallerIdEvent, now: float) -> bool:
		key = event.dedup_key
		self.seen = {k: t for k, t in self.seen.items() if now - t <= self.seconds}
		repeat = key in self.seen
		self.seen[key] = now
		return repeat


class Bridge:
	def __init__(self, config: BridgeConfig, outbox: Outbox | None = None, client: SiteClient | None = None):
		self.config = config
		self.profile: DeviceProfile = get_profile(config.profile)
		self.outbox = outbox or Outbox(config.queue_path)
		self.client = client or SiteClient(config)
		self.stop = threading.Event()
		self.dedup = DedupWindow(config.dedup_seconds)
		self.dial_queue: queue.Queue = queue.Queue()
		self.serial = None
		self.stats = {"events": 0, "duplicates": 0, "queued": 0, "delivered": 0, "reconnects": 0}

	# -- calls -----------------------------------------------------------------------------------

	def handle_event(self, event: CallerIdEvent, now: float | None = None) -> str | None:
		"""Queue one decoded call unless it repeats the current call; returns its event id."""
		now = time.time() if now is None else now
		self.stats["events"] += 1
		if self.dedup.is_repeat(event, now):
			self.stats["duplicates"] += 1
			emit(logging.DEBUG, "duplicate_dropped", line=event.line_id, number=event.number)
			return None
		event_id = new_event_id(self.config.line_id)
		when = event.when.to_datetime(datetime.now()) if event.when else None
		payload = {
			"event_id": event_id,
			"line_id": self.config.line_id,
			"number": event.number,
			"name": event.name,
			"absent_reason": event.absent_reason,
			"kind": call_kind(event.kind),
			"call_time": (when or datetime.now()).isoformat(timespec="seconds"),
			"source_format": event.source_format,
			"raw": event.as_dict()["raw"],
		}
		self.outbox.put(event_id, INCOMING, payload)
		self.stats["queued"] += 1
		emit(logging.INFO, "call_queued", event_id=event_id, number=event.number, source=event.source_format)
		return event_id

	def simulate(self, number: str, name: str | None = None) -> str | None:
		event = make_event("simulate", b"", number=number, name=name, line_id=self.config.line_id)
		return self.handle_event(event)

	# -- sending ---------------------------------------------------------------------------------

	def send_due(self) -> int:
		"""Send what is due, oldest first; stops at the first transient failure (the site is down)."""
		sent = 0
		for key, method, payload, attempts in self.outbox.due():
			try:
				self.client.call(method, payload)
			except TransientError as e:
				delay = min(
					self.config.retry_max_seconds, self.config.retry_min_seconds * 2 ** min(attempts, 10)
				)
				self.outbox.retry_later(key, delay)
				self.outbox.pause(delay)
				emit(
					logging.WARNING,
					"send_deferred",
					key=key,
					attempts=attempts + 1,
					retry_in=delay,
					error=str(e),
				)
				break
			except PermanentError as e:
				self.outbox.give_up(key, str(e))
				emit(logging.ERROR, "send_refused", key=key, error=str(e))
				continue
			self.outbox.delivered(key)
			self.stats["delivered"] += 1
			sent += 1
			emit(logging.INFO, "delivered", key=key, method=method.rsplit(".", 1)[-1])
		return sent

	def sender_loop(self) -> None:
		while not self.stop.is_set():
			self.outbox.wake.clear()
			try:
				self.send_due()
			except Exception:
				log.exception("sender_error", extra={"fields": {}})
			wait = self.outbox.next_due_in()
			self.outbox.wake.wait(self.config.retry_max_seconds if wait is None else min(wait, 5.0) or 0.05)

	# -- dialling --------------------------------------------------------------------------------

	def poll_dial_commands(self) -> int:
		try:
			commands = self.client.call(NEXT_DIAL, {"line_id": self.config.line_id}) or []
		except (TransientError, PermanentError) as e:
			emit(logging.WARNING, "dial_poll_failed", error=str(e))
			return 0
		for command in commands:
			emit(logging.INFO, "dial_command", command=command["command"], dial_string=command["dial_string"])
			self.dial_queue.put(command)
		return len(commands)

	def dial_poll_loop(self) -> None:
		while not self.stop.wait(self.config.dial_poll_seconds):
			self.poll_dial_commands()

	def dial_pending(self, port) -> None:
		while True:
			try:
				command = self.dial_queue.get_nowait()
			except queue.Empty:
				return
			ok, error = True, None
			try:
				port.write(f"ATD{command['dial_string']};{self.profile.command_terminator}".encode("ascii"))
				port.flush()
			except Exception as e:  # the port went away: report, the user can click again
				ok, error = False, str(e)
			self.outbox.put(
				f"dial-{command['command']}",
				DIAL_RESULT,
				{"command": command["command"], "ok": ok, "error": error},
			)
			emit(
				logging.INFO if ok else logging.ERROR,
				"dialled" if ok else "dial_failed",
				command=command["command"],
			)
			if not ok:
				raise OSError(error)

	# -- serial ----------------------------------------------------------------------------------

	def open_port(self):
		import serial

		port = serial.serial_for_url(
			self.config.port,
			baudrate=self.config.baudrate or self.profile.baudrate,
			timeout=0.05,
			rtscts=self.profile.rtscts and not self.config.port.startswith(("socket://", "rfc2217://")),
			do_not_open=True,
		)
		if hasattr(port, "exclusive") and not self.config.port.startswith(
			("socket://", "rfc2217://", "loop://")
		):
			port.exclusive = True
		port.open()
		return port

	def init_device(self, port) -> None:
		"""Send the profile's init strings; for the caller-ID switch try each dialect until one answers OK."""
		commands = [*self.profile.init_strings]
		commands += [c.strip() for c in self.config.extra_init.split(";") if c.strip()]
		for command in commands:
			self._command(port, command)
		for command in self.profile.cid_enable:
			if self._command(port, command) == "OK":
				break

	def _command(self, port, command: str, wait: float = 1.0) -> str | None:
		port.write((command + self.profile.command_terminator).encode("ascii"))
		port.flush()
		deadline = time.monotonic() + wait
		buffer = b""
		while time.monotonic() < deadline and not self.stop.is_set():
			buffer += port.read(port.in_waiting or 1)
			if b"OK" in buffer:
				return "OK"
			if b"ERROR" in buffer:
				return "ERROR"
		emit(logging.DEBUG, "init_no_answer", command=command)
		return None

	def serial_loop(self) -> None:
		import serial

		delay = self.config.reconnect_min_seconds
		while not self.stop.is_set():
			port = None
			try:
				port = self.open_port()
				self.serial = port
				emit(logging.INFO, "port_open", port=self.config.port, profile=self.profile.name)
				self.init_device(port)
				delay = self.config.reconnect_min_seconds
				self.read_port(port)
			except (serial.SerialException, OSError) as e:
				self.stats["reconnects"] += 1
				emit(logging.WARNING, "port_lost", port=self.config.port, error=str(e), retry_in=delay)
				self.stop.wait(delay)
				delay = min(delay * 2, self.config.reconnect_max_seconds)
			finally:
				self.serial = None
				if port is not None:
					try:
						port.close()
					except Exception:
						pass

	def read_port(self, port) -> None:
		decoder = self.profile.new_decoder(line_id=self.config.line_id)
		last_data, pending = time.monotonic(), False
		while not self.stop.is_set():
			self.dial_pending(port)
			data = port.read(port.in_waiting or 1)
			now = time.monotonic()
			if data:
				emit(logging.DEBUG, "rx", hex=data.hex())
				last_data, pending = now, True
				events = decoder.feed(data)
			elif pending and now - last_data >= self.config.quiet_flush_seconds:
				events, pending = decoder.flush(), False
			else:
				continue
			for event in events:
				self.handle_event(event)
			while decoder.rejected:
				raw, reason = decoder.rejected.popleft()
				emit(
					logging.INFO,
					"rejected_input",
					raw=raw.hex() if isinstance(raw, bytes) else raw,
					reason=reason,
				)

	# -- lifecycle -------------------------------------------------------------------------------

	def start(self, serial: bool = True) -> list[threading.Thread]:
		threads = [threading.Thread(target=self.sender_loop, name="sender", daemon=True)]
		if serial:
			threads.append(threading.Thread(target=self.serial_loop, name="serial", daemon=True))
			if self.config.dial:
				threads.append(threading.Thread(target=self.dial_poll_loop, name="dial-poll", daemon=True))
		for thread in threads:
			thread.start()
		emit(logging.INFO, "bridge_started", line=self.config.line_id, pending=self.outbox.pending_count())
		return threads

	def shutdown(self, threads: list[threading.Thread]) -> None:
		self.stop.set()
		self.outbox.wake.set()
		for thread in threads:
			thread.join(timeout=5)
		emit(logging.INFO, "bridge_stopped", **self.stats, pending=self.outbox.pending_count())


# --------------------------------------------------------------------------------------------------
# Command line


def build_parser() -> argparse.ArgumentParser:
	parser = argparse.ArgumentParser(
		prog="crm-suite-callerid", description="Caller-ID bridge: serial caller-ID device -> crm_suite site"
	)
	parser.add_argument("--config", "-c", help="INI file with a [bridge] section")
	for f in fields(BridgeConfig):
		parser.add_argument(f"--{f.name.replace('_', '-')}", dest=f.name, default=None)
	parser.add_argument(
		"--simulate", action="append", metavar="NUMBER", help="inject a call (repeatable); no device needed"
	)
	parser.add_argument("--simulate-name", default=None)
	parser.add_argument("--once", action="store_true", help="send what is queued (and simulated), then exit")
	return parser


def main(argv: list[str] | None = None) -> int:
	args = build_parser().parse_args(argv)
	overrides = {f.name: getattr(args, f.name) for f in fields(BridgeConfig)}
	try:
		config = BridgeConfig.load(args.config or os.environ.get("CRM_SUITE_CALLERID_CONFIG"), overrides)
		config.validate(need_port=not (args.simulate or args.once))
	except (ConfigError, ValueError) as e:
		print(f"crm-suite-callerid: {e}", file=sys.stderr)
		return 2
	setup_logging(config.log_format, config.log_level)
	bridge = Bridge(config)
	for number in args.simulate or []:
		bridge.simulate(number, args.simulate_name)
	if args.once or (args.simulate and not config.port):
		deadline = time.monotonic() + 60
		while bridge.outbox.pending_count() and time.monotonic() < deadline:
			if not bridge.send_due():
				time.sleep(min(bridge.outbox.next_due_in() or 0.5, 5))
		return 0 if not bridge.outbox.pending_count() else 1
	threads = bridge.start(serial=bool(config.port))
	signal.signal(signal.SIGTERM, lambda *_: bridge.stop.set())
	signal.signal(signal.SIGINT, lambda *_: bridge.stop.set())
	while not bridge.stop.wait(3600):
		bridge.outbox.prune()
	bridge.shutdown(threads)
	return 0


if __name__ == "__main__":
	sys.exit(main())
