"""What the caller-ID bridge posts and the site accepts (SPEC CALL-01, CALL-02): one definition of the wire
shapes for both sides. The bridge daemon (hardware/daemon.py) checks its line id and makes its event ids
here; the site's endpoints (api/callerid.py) validate each post with the same patterns, so a well-configured
bridge never sends what the site refuses. Pure: no frappe import."""

import re
import uuid

EVENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$")
LINE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,63}$")
NUMBER = re.compile(r"^[0-9+*#()\s.-]{1,32}$")
KINDS = ("inbound", "missed")
ABSENT = ("private", "unavailable")

_NOT_IN_EVENT_ID = re.compile(r"[^A-Za-z0-9._:-]")
_LINE_PREFIX = 31  # + "-" + 32 hex digits = 64, the longest event id


def valid_event_id(value) -> bool:
	return isinstance(value, str) and bool(EVENT_ID.match(value))


def valid_line_id(value) -> bool:
	return isinstance(value, str) and bool(LINE_ID.match(value))


def valid_number(value) -> bool:
	return isinstance(value, str) and bool(NUMBER.match(value))


def new_event_id(line_id: str) -> str:
	"""A fresh idempotency key for one call, naming its line as far as an event id can (line ids may hold
	@ and / and run to 64 characters; event ids may not)."""
	prefix = _NOT_IN_EVENT_ID.sub("_", line_id)[:_LINE_PREFIX].lstrip("._:-") or "line"
	return f"{prefix}-{uuid.uuid4().hex}"


def call_kind(kind) -> str:
	"""The kind a call is posted as: missed or (anything else) inbound."""
	return kind if kind in KINDS else "inbound"
