"""Endpoints of the caller-ID bridge (SPEC CALL-01, CALL-02, CALL-04). Only a device user holding the
Caller ID Device role and nothing else may call them, with `Authorization: token <key>:<secret>`; the
secret is re-checked here in constant time, requests are rate-limited per address, and every post is
idempotent by the event id the bridge made when it heard the call."""

import hmac

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import get_datetime
from frappe.utils.password import get_decrypted_password

from crm_suite.policies.callerid_wire import ABSENT, KINDS, valid_event_id, valid_line_id, valid_number
from crm_suite.services import call_center, dialing

DEVICE_ROLE = "Caller ID Device"


class DeviceAuthenticationError(frappe.AuthenticationError):
	pass


class NotACallerIdDevice(frappe.PermissionError):
	pass


class MalformedCallEvent(frappe.ValidationError):
	pass


def device_rate_limit() -> int:
	return call_center.call_settings().device_rate_limit


def authenticate_device() -> str:
	"""The session user, if the request carries that user's token and the user is only a device."""
	scheme, _sep, token = (frappe.get_request_header("Authorization") or "").partition(" ")
	api_key, _sep, api_secret = token.strip().partition(":")
	user = frappe.session.user
	if scheme.lower() != "token" or not api_key or not api_secret or user in ("Guest", None):
		frappe.throw(
			_("A caller-ID device signs in with the header 'Authorization: token <api key>:<api secret>'."),
			exc=DeviceAuthenticationError,
			title=_("Device Token Required"),
		)
	stored_key = frappe.db.get_value("User", user, "api_key") or ""
	stored_secret = get_decrypted_password("User", user, "api_secret", raise_exception=False) or ""
	key_ok = hmac.compare_digest(stored_key.encode(), api_key.encode())
	secret_ok = hmac.compare_digest(stored_secret.encode(), api_secret.encode())
	if not (key_ok and secret_ok):
		frappe.throw(
			_("The device token is not valid."), exc=DeviceAuthenticationError, title=_("Invalid Token")
		)
	roles = set(frappe.get_roles(user)) - {"All", "Guest"}
	if roles != {DEVICE_ROLE}:
		frappe.throw(
			_("Only a caller-ID device user (the {0} role and no other) may use this endpoint.").format(
				_(DEVICE_ROLE)
			),
			exc=NotACallerIdDevice,
			title=_("Not a Device"),
		)
	return user


def _malformed(message: str):
	frappe.throw(message, exc=MalformedCallEvent, title=_("Malformed Call Event"))


def _parse_time(value, message: str):
	if not value:
		return None
	try:
		when = get_datetime(value)
	except Exception:
		when = None
	if when is None:
		_malformed(message)
	return when.replace(tzinfo=None)


def parse_call_event(
	event_id, line_id, number=None, name=None, absent_reason=None, kind="inbound", call_time=None,
	source_format=None, raw=None,
) -> dict:  # fmt: skip
	"""Check a posted event field by field; a clear message names the first bad field."""
	if not valid_event_id(event_id):
		_malformed(_("event_id must be 8 to 64 letters, digits or . _ : -"))
	if not valid_line_id(line_id):
		_malformed(_("line_id is missing or not a valid line id"))
	if number is not None and not valid_number(number):
		_malformed(_("number may hold only digits, spaces and + * # ( ) . -"))
	if absent_reason is not None and absent_reason not in ABSENT:
		_malformed(_("absent_reason must be private or unavailable"))
	if not number and not absent_reason:
		_malformed(_("a call event needs a number or an absent_reason"))
	if kind not in KINDS:
		_malformed(_("kind must be inbound or missed"))
	when = _parse_time(call_time, _("call_time is not a date and time"))
	return {
		"event_id": event_id,
		"line_id": line_id,
		"number": number.strip() if number else None,
		"name": (str(name)[:140] if name else None),
		"absent_reason": absent_reason,
		"kind": kind,
		"call_time": when,
		"source_format": str(source_format or "")[:40],
		"raw_event": {"raw": str(raw or "")[:2000], "source_format": source_format},
	}


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=device_rate_limit, seconds=60)
def incoming_call(
	event_id: str,
	line_id: str,
	number: str | None = None,
	name: str | None = None,
	absent_reason: str | None = None,
	kind: str = "inbound",
	call_time: str | None = None,
	source_format: str | None = None,
	raw: str | None = None,
) -> dict:
	"""One caller-ID event from the bridge: logged once, popped to the line's users only."""
	device = authenticate_device()
	event = parse_call_event(
		event_id, line_id, number, name, absent_reason, kind, call_time, source_format, raw
	)
	call, created = call_center.record_incoming_call(event, device)
	return {"call": call, "created": created}


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=device_rate_limit, seconds=60)
def call_ended(
	event_id: str, answered: bool = False, duration: int | None = None, ended_on: str | None = None
) -> dict:
	"""The end of a call the device reported: only for a call of the device's own line."""
	device = authenticate_device()
	if not valid_event_id(event_id):
		_malformed(_("event_id must be 8 to 64 letters, digits or . _ : -"))
	if duration is not None and (isinstance(duration, bool) or not str(duration).strip().isdigit()):
		_malformed(_("duration must be a whole number of seconds"))
	when = _parse_time(ended_on, _("ended_on is not a date and time"))
	return {"call": call_center.record_call_end(event_id, bool(answered), duration, when, device)}


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=device_rate_limit, seconds=60)
def next_dial_commands(line_id: str) -> list[dict]:
	"""The bridge's poll: queued click-to-dial commands of its line, each handed out once."""
	device = authenticate_device()
	if not valid_line_id(line_id):
		_malformed(_("line_id is missing or not a valid line id"))
	return dialing.claim_dial_commands(line_id, device)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=device_rate_limit, seconds=60)
def dial_result(command: str, ok: bool, error: str | None = None) -> dict:
	"""The bridge's report on a dial command it claimed: only for a command of the device's own line."""
	device = authenticate_device()
	if not isinstance(command, str) or not frappe.db.exists("Dial Command", command):
		_malformed(_("unknown dial command {0}").format(command))
	return {"status": dialing.report_dial_result(command, device, bool(ok), error)}
