"""The caller-ID event every decoder produces, and the one place such events are built.

Pure module: the bridge daemon and the tests import it without Frappe.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Literal

AbsentReason = Literal["private", "unavailable"]
CallKind = Literal["inbound", "outbound", "missed"]

# ETSI EN 300 659-3 parameter 0x16: the only place the line itself says "fax" or "mobile"
CALLING_USER_TYPE_PARAM = 0x16
CALLING_USER_TYPES = {0x04: "mobile", 0x06: "fax", 0x0F: "payphone"}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ALL_ZEROS = re.compile(r"0+")

# Words modems and gateways print instead of a number or name (NCID test data, Rockwell #CID manual)
_PLACEHOLDERS: dict[str, AbsentReason] = {
	"P": "private",
	"PRIVATE": "private",
	"RESTRICTED": "private",
	"WITHHELD": "private",
	"ANONYMOUS": "private",
	"O": "unavailable",
	"UNAVAILABLE": "unavailable",
	"OUT OF AREA": "unavailable",
	"OUT-OF-AREA": "unavailable",
	"UNKNOWN": "unavailable",
	"NO NAME": "unavailable",
	"NO-NAME": "unavailable",
	"NO NUMBER": "unavailable",
	"NO-NUMBER": "unavailable",
}


class CallerIdParseError(ValueError):
	"""The input is not a well-formed caller-ID message."""


class NotCallerIdError(CallerIdParseError):
	"""A well-formed message that carries no caller ID (message waiting, advice of charge, SMS)."""

	def __init__(self, message: str, kind: str):
		super().__init__(message)
		self.kind = kind


@dataclass(frozen=True)
class CallTime:
	"""Date and time as caller ID sends them: no year, and either half may be missing."""

	month: int | None = None
	day: int | None = None
	hour: int | None = None
	minute: int | None = None

	@classmethod
	def from_parts(
		cls,
		month: int | None = None,
		day: int | None = None,
		hour: int | None = None,
		minute: int | None = None,
	) -> CallTime | None:
		# A garbled half is dropped, never fatal: NCID sees `TIME = 12541` on real lines
		if month is None or day is None or not (1 <= month <= 12 and 1 <= day <= 31):
			month = day = None
		if hour is None or minute is None or not (0 <= hour <= 23 and 0 <= minute <= 59):
			hour = minute = None
		if month is None and hour is None:
			return None
		return cls(month, day, hour, minute)

	@classmethod
	def from_mmddhhmm(cls, text: str) -> CallTime | None:
		if len(text) != 8 or not text.isascii() or not text.isdigit():
			return None
		return cls.from_parts(int(text[0:2]), int(text[2:4]), int(text[4:6]), int(text[6:8]))

	def to_datetime(self, now: datetime) -> datetime | None:
		"""Place the call on the calendar; missing parts come from `now` (the bridge's clock)."""
		month, day = (self.month, self.day) if self.month is not None else (now.month, now.day)
		hour, minute = (self.hour, self.minute) if self.hour is not None else (now.hour, now.minute)
		# Latest year that is not ahead of the clock (one day of slack for a device clock running fast)
		for year in (now.year + 1, now.year, now.year - 1):
			try:
				moment = now.replace(year=year, month=month, day=day, hour=hour, minute=minute, second=0)
			except ValueError:
				continue
			if moment - now <= timedelta(days=1):
				return moment.replace(microsecond=0)
		return None


@dataclass(frozen=True)
class CallerIdEvent:
	number: str | None = None
	name: str | None = None
	absent_reason: AbsentReason | None = None
	when: CallTime | None = None
	kind: CallKind = "inbound"
	source_format: str = ""
	line_id: str | None = None
	raw: bytes | str = b""
	name_absent_reason: AbsentReason | None = None
	redirecting_number: str | None = None
	called_number: str | None = None
	# Parameters no field above holds, kept as (type, value) so the log shows what the line sent
	extra_params: tuple[tuple[int, bytes], ...] = ()

	@property
	def calling_user_type(self) -> str | None:
		for ptype, value in self.extra_params:
			if ptype == CALLING_USER_TYPE_PARAM and len(value) == 1:
				return CALLING_USER_TYPES.get(value[0])
		return None

	@property
	def dedup_key(self) -> tuple:
		"""Boxes repeat the same burst on every ring; the bridge drops repeats of this key within a call."""
		return (self.line_id, self.number, self.name, self.absent_reason, self.when)

	def as_dict(self) -> dict:
		data = asdict(self)
		data["when"] = asdict(self.when) if self.when else None
		data["raw"] = self.raw.hex() if isinstance(self.raw, bytes | bytearray) else self.raw
		data["extra_params"] = [[ptype, value.hex()] for ptype, value in self.extra_params]
		return data


def decode_text(data: bytes | str) -> str:
	"""Names arrive as ASCII, 8-bit ETSI (latin-1) or, from newer gear, UTF-8."""
	if isinstance(data, str):
		return data
	try:
		return data.decode("utf-8")
	except UnicodeDecodeError:
		return data.decode("latin-1")


def clean_text(data: bytes | str | None) -> str | None:
	# Control characters are dropped: one Verizon line sent 0x08 inside the name parameter
	if data is None:
		return None
	text = _CONTROL.sub("", decode_text(data)).strip()
	return text or None


def placeholder_reason(text: str | None) -> AbsentReason | None:
	"""`NMBR = P`, `NMBR = Restricted`, `NMBR = 0000000000` name an absence, not a number."""
	if text is None:
		return None
	if _ALL_ZEROS.fullmatch(text):
		return "private"
	return _PLACEHOLDERS.get(text.upper())


def reason_from_code(code: bytes | str) -> AbsentReason:
	"""One-letter absence codes of FSK frames: P private (NCID adds A anonymous); O and the rest unavailable."""
	letter = clean_text(code) or ""
	return "private" if letter.upper() in ("P", "A") else "unavailable"


def make_event(
	source_format: str,
	raw: bytes | str,
	*,
	number: bytes | str | None = None,
	name: bytes | str | None = None,
	absent_reason: AbsentReason | None = None,
	name_absent_reason: AbsentReason | None = None,
	when: CallTime | None = None,
	kind: CallKind = "inbound",
	line_id: str | None = None,
	redirecting_number: bytes | str | None = None,
	called_number: bytes | str | None = None,
	extra_params: tuple[tuple[int, bytes], ...] = (),
) -> CallerIdEvent:
	"""Build an event the same way for every format; raises if nothing identifies the caller."""
	number = clean_text(number)
	name = clean_text(name)
	if (reason := placeholder_reason(number)) is not None:
		number = None
		absent_reason = absent_reason or reason
	if (reason := placeholder_reason(name)) is not None:
		name = None
		name_absent_reason = name_absent_reason or reason
	if number is None and name is None and absent_reason is None:
		raise CallerIdParseError("no caller number, name or reason for their absence")
	return CallerIdEvent(
		number=number,
		name=name,
		absent_reason=absent_reason,
		when=when,
		kind=kind,
		source_format=source_format,
		line_id=clean_text(line_id),
		raw=raw,
		name_absent_reason=name_absent_reason,
		redirecting_number=clean_text(redirecting_number),
		called_number=clean_text(called_number),
		extra_params=tuple(extra_params),
	)
