"""Caller ID as voice modems and GSM modules print it on the serial line.

Formatted (`AT+VCID=1` / `AT#CID=1`): one `TAG = value` line per field, in no fixed order:

	RING / DATE = 0321 / TIME = 1405 / NMBR = 5045551234 / NAME = A N OTHER / RING

with the dialects NCID collected: no spaces, several tags on one line, DDN_NMBR / DDN / NBR for NMBR,
Kortex `DATE TIME=11/24 22:10`, ZyXEL `TIME: 03-21 14:05` and `CALLER NUMBER: …`, Swiss `FM:… TO:…`.
Unformatted (`AT+VCID=2`): the whole FSK frame as one hex line. GSM (`AT+CLIP=1`): `+CLIP: "number",type,…`.
NetCallerID boxes and NCID gateways: `###DATE…...NMBR…...NAME…+++`.
"""

from __future__ import annotations

import csv
import re

from crm_suite.hardware.events import (
	CallerIdEvent,
	CallerIdParseError,
	CallTime,
	NotCallerIdError,
	make_event,
)
from crm_suite.hardware.fsk import MESSAGE_KINDS, SEIZURE_BYTES, parse_frame, parse_params
from crm_suite.hardware.stream import LineDecoder

# T.35 country codes for AT+GCI: modems only detect the caller-ID signalling of the country they are set to
GCI_COUNTRY_CODES = {"CN": "26", "US": "B5", "JP": "00", "GB": "B4", "TW": "FE", "HK": "50"}

MODEM_RESET = ("ATZ", "ATE0", "ATV1", "ATQ0", "ATS0=0")
# Each dialect's command to switch caller ID on: formatted text, or the raw frame as hex
CID_COMMANDS = {
	"v253": {"text": "AT+VCID=1", "hex": "AT+VCID=2"},
	"rockwell": {"text": "AT#CID=1", "hex": "AT#CID=2"},
	"conexant": {"text": "AT-STE=1;+VCID=1", "hex": "AT-STE=1;+VCID=2"},
}
GSM_INIT = ("ATE0", "AT+CLIP=1")


def modem_init_strings(
	dialect: str = "v253", *, hex_frames: bool = False, country: str | None = None
) -> tuple[str, ...]:
	"""Reset, optional country of installation (ISO code, e.g. "CN"), then the dialect's caller-ID switch."""
	if dialect not in CID_COMMANDS:
		raise ValueError(f"unknown modem dialect {dialect!r}; known: {', '.join(CID_COMMANDS)}")
	if country and country.upper() not in GCI_COUNTRY_CODES:
		raise ValueError(f"no AT+GCI code for {country!r}; known: {', '.join(GCI_COUNTRY_CODES)}")
	country_cmd = (f"AT+GCI={GCI_COUNTRY_CODES[country.upper()]}",) if country else ()
	return (*MODEM_RESET, *country_cmd, CID_COMMANDS[dialect]["hex" if hex_frames else "text"])


# --- formatted tags -------------------------------------------------------------------------------

_TAG = re.compile(
	r"(DATE\s*TIME|DDN_NMBR|CALLER(?:'S)? NUMBER|CALLER NAME|DATE|TIME|NMBR|NBR|DDN|NAME|MESG|FM|TO)\s*([=:])"
)
_TAG_FIELDS = {
	"DDN_NMBR": "number",
	"DDN": "number",
	"NBR": "number",
	"NMBR": "number",
	"FM": "number",
	"CALLER NUMBER": "number",
	"CALLER'S NUMBER": "number",
	"NAME": "name",
	"CALLER NAME": "name",
	"TO": "called",
	"DATE": "date",
	"TIME": "time",
	"DATE TIME": "datetime",
	"DATETIME": "datetime",
	"MESG": "mesg",
}
_MONTH_DAY = re.compile(r"(\d\d)[/-]?(\d\d)")
_HOUR_MINUTE = re.compile(r"(\d\d):?(\d\d)")
_DATE_AND_TIME = re.compile(r"(\d\d)[/-]?(\d\d)\s*(\d\d):?(\d\d)")


def split_tags(line: str) -> list[tuple[str, str]]:
	"""`NAME=JOHN NMBR=123` -> [('name', 'JOHN'), ('number', '123')]; [] when the line is no tag line."""
	first = _TAG.match(line)
	if not first:
		return []
	found = [first]
	for match in _TAG.finditer(line, first.end()):
		# A line keeps one separator style (`NAME=… NMBR=…`, `FM:… TO:…`), and colon tags start a word,
		# so `NAME = BACK TO: BASICS` stays one name
		if match[2] == first[2] and (match[2] == "=" or line[match.start() - 1].isspace()):
			found.append(match)
	tags = []
	for match, following in zip(found, [*found[1:], None], strict=True):
		value = line[match.end() : following.start() if following else len(line)]
		tags.append((_TAG_FIELDS[" ".join(match[1].split())], value.strip()))
	return tags


def _when_parts(field: str, value: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
	"""(month, day), (hour, minute) from DATE, TIME or combined values; garbage gives (None, None)."""
	if match := _DATE_AND_TIME.fullmatch(value):
		month, day, hour, minute = map(int, match.groups())
		return (month, day), (hour, minute)
	pattern = _MONTH_DAY if field == "date" else _HOUR_MINUTE
	if field != "datetime" and (match := pattern.fullmatch(value)):
		pair = (int(match[1]), int(match[2]))
		return (pair, None) if field == "date" else (None, pair)
	return None, None


class _Record:
	"""Fields of one call as the tag lines come in."""

	def __init__(self):
		self.lines: list[str] = []
		self.fields: dict[str, str] = {}
		self.seen: set[str] = set()
		self.date: tuple[int, int] | None = None
		self.time: tuple[int, int] | None = None
		self.extra: list[tuple[int, bytes]] = []

	@property
	def names_caller(self) -> bool:
		return "number" in self.fields or "name" in self.fields

	@property
	def complete(self) -> bool:
		return "number" in self.fields and "name" in self.fields

	def to_event(self) -> CallerIdEvent:
		when = CallTime.from_parts(*(self.date or (None, None)), *(self.time or (None, None)))
		return make_event(
			"modem_text",
			"\n".join(self.lines),
			number=self.fields.get("number"),
			name=self.fields.get("name"),
			called_number=self.fields.get("called"),
			when=when,
			extra_params=tuple(self.extra),
		)


# --- whole-line formats ---------------------------------------------------------------------------

_CLIP = re.compile(r"\+CLIP:\s*(.*)")
_HEX_FRAME = re.compile(r"(?:[0-9A-Fa-f]{2} ?){3,}")
_NETCALLERID = re.compile(r"(?:CALL:\s*)?###(.*?)\+\+\+")
_NETCALLERID_FIELD = re.compile(r"(DATE|CALL|LINE|NMBR|NAME)(.*)", re.S)
_CLIP_INTERNATIONAL = "145"
_CLIP_RESTRICTED = "128"
_CLIP_VALIDITY = {"1": "private", "2": "unavailable"}


def parse_clip(line: str) -> CallerIdEvent:
	"""`+CLIP: "<number>",<type>[,<subaddr>,<satype>[,<alpha>[,<CLI validity>]]]` (3GPP TS 27.007)."""
	match = _CLIP.fullmatch(line.strip())
	if not match:
		raise CallerIdParseError(f"not a +CLIP line: {line!r}")
	try:
		fields = next(csv.reader([match[1]], skipinitialspace=True), [])
	except csv.Error as exc:
		raise CallerIdParseError(f"unreadable +CLIP line: {exc}") from exc
	if len(fields) < 2:
		raise CallerIdParseError(f"+CLIP line without number and type: {line!r}")
	fields += [""] * (6 - len(fields))
	number, number_type, name, validity = fields[0].strip(), fields[1].strip(), fields[4], fields[5].strip()
	reason = _CLIP_VALIDITY.get(validity)
	if not number and reason is None:
		reason = "private" if number_type == _CLIP_RESTRICTED else "unavailable"
	# Type 145 means "international": keep that knowledge for normalising, some modules drop the '+'
	if number and number_type == _CLIP_INTERNATIONAL and not number.startswith("+"):
		number = "+" + number
	return make_event("gsm_clip", line, number=number or None, name=name, absent_reason=reason)


def parse_hex_frame(line: str) -> CallerIdEvent | None:
	"""`AT+VCID=2` output: the frame in ASCII hex. None if the line is not hex holding a known frame type.
	The modem does not check the checksum in this mode, so parse_frame does."""
	text = line.strip()
	if not _HEX_FRAME.fullmatch(text):
		return None
	data = bytes.fromhex(text.replace(" ", "")).lstrip(SEIZURE_BYTES)
	if not data or data[0] not in MESSAGE_KINDS:
		return None
	return parse_frame(data, source_format="modem_hex")


def parse_netcallerid(line: str) -> CallerIdEvent | None:
	"""`###DATE03301423...NMBR4075551212...NAMEWIRELESS CALL+++` (and NCID gateway `CALL:` lines)."""
	match = _NETCALLERID.fullmatch(line.strip())
	if not match:
		return None
	fields = {}
	for piece in match[1].split("..."):
		if field := _NETCALLERID_FIELD.fullmatch(piece):
			fields.setdefault(field[1], field[2].strip())
	return make_event(
		"netcallerid",
		line,
		number=fields.get("NMBR"),
		name=fields.get("NAME"),
		when=CallTime.from_mmddhhmm(fields.get("DATE", "")),
		kind="outbound" if fields.get("CALL") == "OUT" else "inbound",
		line_id=fields.get("LINE") or None,
	)


def parse_modem_line(line: str) -> CallerIdEvent | None:
	"""A line that is a whole call by itself (+CLIP, hex frame, NetCallerID); None for any other line.
	Raises CallerIdParseError when such a line is malformed, NotCallerIdError for message-waiting frames."""
	text = line.strip()
	if text.startswith("+CLIP"):
		return parse_clip(text)
	return parse_hex_frame(text) or parse_netcallerid(text)


class ModemDecoder(LineDecoder):
	"""A call is emitted once it has both number and name, at the next non-tag line (RING, END MSG, OK…),
	when a new DATE/TIME starts another call, or on flush() after the line went idle."""

	def __init__(self, *, line_id: str | None = None, keep_rejected: int = 32):
		super().__init__(line_id=line_id, keep_rejected=keep_rejected)
		self._record = _Record()

	def _line(self, text: str) -> list[CallerIdEvent]:
		if tags := split_tags(text):
			return self._tags(text, tags)
		events = self._close() if self._record.names_caller else []
		try:
			event = parse_modem_line(text)
		except NotCallerIdError:
			return events
		except CallerIdParseError as exc:
			self._reject(text, exc)
			return events
		return [*events, event] if event else events

	def _end(self) -> list[CallerIdEvent]:
		return self._close()

	def _tags(self, text: str, tags: list[tuple[str, str]]) -> list[CallerIdEvent]:
		events = []
		for field, value in tags:
			date, time = _when_parts(field, value) if field in ("date", "time", "datetime") else (None, None)
			halves = {"date", "time"} if field == "datetime" else {field} & {"date", "time"}
			if halves & self._record.seen:
				events += self._close()
			record = self._record
			if text not in record.lines:
				record.lines.append(text)
			record.seen |= halves
			record.date = record.date or date
			record.time = record.time or time
			if field == "mesg":
				self._add_mesg(value)
			elif field in ("number", "name", "called") and value:
				# Some telcos follow `NMBR = ####` with `NMBR = O`; like NCID, keep the first
				record.fields.setdefault(field, value)
			if record.complete:
				events += self._close()
		return events

	def _add_mesg(self, value: str) -> None:
		# MESG carries the MDMF parameters the modem did not recognise, in hex
		try:
			self._record.extra += parse_params(bytes.fromhex(value))
		except (ValueError, CallerIdParseError) as exc:
			self._reject(value, f"MESG: {exc}")

	def _close(self) -> list[CallerIdEvent]:
		record, self._record = self._record, _Record()
		if not record.lines:
			return []
		try:
			return [record.to_event()]
		except CallerIdParseError as exc:
			self._reject("\n".join(record.lines), exc)
			return []


def parse_modem_transcript(text: str | bytes) -> list[CallerIdEvent]:
	"""Every call in a captured modem session (tests, replaying logs)."""
	decoder = ModemDecoder()
	data = text.encode("utf-8") if isinstance(text, str) else text
	return decoder.feed(data) + decoder.flush()
