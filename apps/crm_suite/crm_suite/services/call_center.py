"""Caller ID on the site side (SPEC CALL-01..03, CALL-07): match the number exactly on the phone index,
log the call, and pop it on the screens of the line's users only, each seeing what their row scope and
phone masking allow."""

import functools
from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, get_datetime, now_datetime
from pypika.terms import Parameter

from crm_suite.policies.numbers import local_number_candidates, number_info
from crm_suite.policies.phones import NormalisedPhone, PhoneNumberInvalid, normalise_phone
from crm_suite.services import activity_rollup
from crm_suite.services.phone_index import phone_settings
from crm_suite.services.screen_pop import publish_call

SETTINGS = "Call Center Settings"
_SETTINGS_KEY = "crm_suite:call_center_settings"
_AREA_CODES_KEY = "crm_suite:area_codes"


SETTINGS_DEFAULTS = {
	"valid_call_seconds": 10,
	"missed_after_seconds": 60,
	"suffix_fallback": 1,
	"dial_command_expiry_seconds": 120,
	"device_rate_limit": 600,
	"recording_retention_days": 180,
	"sms_gateway": "Log Only",
	"sms_gateway_method": "",
	"sms_signature": "",
}


class UnknownPhoneLine(frappe.ValidationError):
	pass


class LineNotBoundToDevice(frappe.PermissionError):
	pass


@dataclass
class PhoneMatch:
	"""A number looked up: its normalised form (None when it holds no usable number) and the records found."""

	phone: NormalisedPhone | None = None
	match_type: str = "None"
	rows: list[dict] = field(default_factory=list)

	@property
	def key(self) -> str:
		return self.phone.key if self.phone else ""

	@property
	def number_type(self) -> str:
		return self.phone.number_type if self.phone else "Unknown"

	@property
	def primary(self) -> dict | None:
		return self.rows[0] if self.rows else None


def call_settings() -> frappe._dict:
	def load():
		values = frappe.db.get_singles_dict(SETTINGS, cast=True)
		out = dict(SETTINGS_DEFAULTS)
		out.update({k: values[k] for k in SETTINGS_DEFAULTS if values.get(k) not in (None, "")})
		return out

	return frappe._dict(frappe.cache.get_value(_SETTINGS_KEY, generator=load))


def clear_settings_cache(doc=None, method=None):
	frappe.cache.delete_value(_SETTINGS_KEY)
	frappe.cache.delete_value(_AREA_CODES_KEY)


def known_area_codes() -> list[str]:
	"""Area codes of the Customer Region masters (province → city), for the suffix fallback."""

	def load():
		region = frappe.qb.DocType("Customer Region")
		return sorted(
			set(
				frappe.qb.from_(region)
				.select(region.area_code)
				.where(region.area_code.isnotnull() & (region.area_code != ""))
				.run(pluck=True)
			)
		)

	return frappe.cache.get_value(_AREA_CODES_KEY, generator=load)


def match_number(raw: str | None, area_code: str | None = None) -> PhoneMatch:
	"""Normalise and look the number up: one exact match on the indexed E.164 key; for a bare local
	number when no area code is known, the keys it could have under every known area code (labelled
	"Suffix"). Rows name the matched record whatever its doctype; customer rows carry `customer`."""
	region, default_area = phone_settings()
	try:
		phone = normalise_phone(raw, region, area_code or default_area)
	except PhoneNumberInvalid:
		return PhoneMatch()
	found = PhoneMatch(phone)
	found.rows = _index_rows([phone.key])
	if found.rows:
		found.match_type = "Exact"
	elif not (area_code or default_area) and call_settings().suffix_fallback:
		candidates = local_number_candidates(raw, known_area_codes())
		if candidates:
			found.rows = _index_rows(candidates)
			found.match_type = "Suffix" if found.rows else "None"
	return found


def _index_query():
	index = frappe.qb.DocType("Phone Number Index")
	query = (
		frappe.qb.from_(index)
		.select(index.phone_key, index.reference_doctype, index.reference_name, index.customer)
		.orderby(index.modified, order=frappe.qb.desc)
		.limit(20)
	)
	return index, query


@functools.cache
def _exact_match_sql() -> str:
	"""The exact match runs once per ring: its SQL is built once per process."""
	index, query = _index_query()
	return query.where(index.phone_key == Parameter("%s")).get_sql()


def _index_rows(keys: list[str]) -> list[dict]:
	if len(keys) == 1:
		return frappe.db.sql(_exact_match_sql(), (keys[0],), as_dict=True)
	index, query = _index_query()
	return query.where(index.phone_key.isin(keys)).run(as_dict=True)


def get_line(line_id: str) -> frappe._dict:
	line = frappe.db.get_value(
		"Phone Line",
		{"line_id": line_id, "enabled": 1},
		["name", "line_id", "line_name", "device_user", "local_area_code", "outside_line_prefix"],
		as_dict=True,
	)
	if not line:
		frappe.throw(
			_("Phone line {0} is not set up or is disabled.").format(line_id),
			exc=UnknownPhoneLine,
			title=_("Unknown Phone Line"),
		)
	return line


def check_device_for_line(line: frappe._dict, user: str):
	"""A device reports and polls only its own lines; a line without a device user accepts no device."""
	if not line.device_user:
		frappe.throw(
			_("Phone line {0} has no device user; no device may report or dial on it.").format(line.line_id),
			exc=LineNotBoundToDevice,
			title=_("Wrong Device"),
		)
	if line.device_user != user:
		frappe.throw(
			_("This device is not the device of phone line {0}.").format(line.line_id),
			exc=LineNotBoundToDevice,
			title=_("Wrong Device"),
		)


def pop_users(line_name: str) -> list[str]:
	member = frappe.qb.DocType("Phone Line User")
	user = frappe.qb.DocType("User")
	return (
		frappe.qb.from_(member)
		.join(user)
		.on(user.name == member.user)
		.select(member.user)
		.where(
			(member.parent == line_name)
			& (member.parenttype == "Phone Line")
			& (member.receives_screen_pop == 1)
			& (user.enabled == 1)
		)
		.orderby(member.idx)
		.run(pluck=True)
	)


def record_incoming_call(event: dict, device_user: str) -> tuple[str, bool]:
	"""Log one caller-ID event and pop it; returns (call record, created). Idempotent by event id, within
	the device's own line (an event id of another line's call is refused, not echoed)."""
	line = get_line(event["line_id"])
	check_device_for_line(line, device_user)
	existing = _call_of_event(event["event_id"], line)
	if existing:
		return existing, False
	users = pop_users(line.name)
	values = call_values(event.get("number"), line.local_area_code)
	doc = frappe.get_doc(
		{
			"doctype": "Phone Call Record",
			"call_type": "Missed" if event.get("kind") == "missed" else "Inbound",
			"status": "Missed" if event.get("kind") == "missed" else "Ringing",
			"phone_line": line.name,
			"user": users[0] if users else None,
			"start_time": event.get("call_time") or now_datetime(),
			"caller_name": event.get("name"),
			"event_id": event["event_id"],
			"source_format": event.get("source_format"),
			"raw_event": frappe.as_json(event.get("raw_event") or {}, indent=None),
			**values,
		}
	)
	if event.get("absent_reason"):
		doc.number_type = "Withheld"
		doc.phone_number = _("Withheld ({0})").format(_(event["absent_reason"].title()))
	try:
		doc.insert(ignore_permissions=True)
	except frappe.UniqueValidationError:
		# The same event posted twice at once: the unique index on event_id let only one through.
		frappe.db.rollback()
		return _call_of_event(event["event_id"], line), False
	touch_line(line.name)
	publish_call(doc, users)
	return doc.name, True


def _call_of_event(event_id: str, line: frappe._dict) -> str | None:
	found = frappe.db.get_value(
		"Phone Call Record", {"event_id": event_id}, ["name", "phone_line"], as_dict=True
	)
	if found and found.phone_line != line.name:
		frappe.throw(
			_("Event {0} belongs to a call of another phone line.").format(event_id),
			exc=LineNotBoundToDevice,
			title=_("Wrong Device"),
		)
	return found.name if found else None


def call_values(number: str | None, area_code: str | None = None) -> dict:
	"""Number fields of a call record: normalised key, type, region and carrier, and the matched record."""
	if not number:
		return {"phone_number": "", "number_type": "Unknown", "match_type": "None"}
	found = match_number(number, area_code)
	values = {
		"phone_number": number,
		"phone_key": found.key,
		"number_type": found.number_type,
		"match_type": found.match_type,
	}
	if found.key.startswith("+"):
		region, default_area = phone_settings()
		info = number_info(found.key, region, area_code or default_area)
		values.update(number_region=info.region, number_carrier=info.carrier)
	if row := found.primary:
		values.update(
			customer=row.customer,
			reference_doctype=row.reference_doctype,
			reference_name=row.reference_name,
		)
	return values


def touch_line(line_name: str):
	line = frappe.qb.DocType("Phone Line")
	frappe.qb.update(line).set(line.last_seen_on, now_datetime()).where(line.name == line_name).run()


def record_call_end(
	event_id: str, answered: bool, duration: int | None, ended_on=None, device_user: str | None = None
) -> str | None:
	"""The device saw the call end (hook switch or the far end hanging up); only the device of the call's
	line may end it."""
	found = frappe.db.get_value(
		"Phone Call Record", {"event_id": event_id}, ["name", "phone_line"], as_dict=True
	)
	if not found:
		return None
	line = frappe.db.get_value("Phone Line", found.phone_line, ["line_id", "device_user"], as_dict=True)
	check_device_for_line(line or frappe._dict(line_id=found.phone_line), device_user)
	name = found.name
	doc = frappe.get_doc("Phone Call Record", name)
	doc.ended_on = get_datetime(ended_on) if ended_on else now_datetime()
	if duration is not None:
		doc.duration = max(0, cint(duration))
	if answered:
		doc.status = "Ended"
		doc.answered_on = doc.answered_on or doc.start_time
	elif doc.call_type == "Inbound":
		doc.call_type, doc.status = "Missed", "Missed"
	doc.save(ignore_permissions=True)
	return name


def mark_missed_calls() -> int:
	"""Inbound calls still ringing after the configured time become missed (flagged until seen)."""
	cutoff = add_to_date(now_datetime(), seconds=-call_settings().missed_after_seconds)
	call = frappe.qb.DocType("Phone Call Record")
	where = (call.call_type == "Inbound") & (call.status == "Ringing") & (call.start_time < cutoff)
	names = frappe.qb.from_(call).select(call.name).where(where).for_update().run(pluck=True)
	if names:
		# the calls move to another row of the call rollup (RPT-07) in the same transaction
		activity_rollup.remove(activity_rollup.CALLS, names)
		frappe.qb.update(call).set(call.call_type, "Missed").set(call.status, "Missed").set(
			call.modified, now_datetime()
		).where(call.name.isin(names)).run()
		activity_rollup.add(activity_rollup.CALLS, names)
	return len(names)
