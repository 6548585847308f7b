"""DTMF caller ID: a digit string sent before the first ring.

	A<number>[D<redirecting number>][B<special info>]C   ETSI variant 1 (B00 unavailable, B10 private)
	A<number>#  and  D1# / D2# / D3#                     DK, NL (restricted / international / technical)
	D<number>C                                           China (Huawei SLIC profile), Taiwan
	<number># , <number>C , bare digits                  no start code
A string cut short by the ~10 s timeout carries no end code, so the end code is optional.
"""

from __future__ import annotations

import re

from crm_suite.hardware.events import AbsentReason, CallerIdEvent, CallerIdParseError, make_event
from crm_suite.hardware.stream import LineDecoder

SOURCE_FORMAT = "dtmf"

_SPECIAL_INFO: dict[str, AbsentReason] = {"00": "unavailable", "10": "private"}
_DANISH_CODES: dict[str, AbsentReason] = {"1": "private", "2": "unavailable", "3": "unavailable"}

_SPECIAL = re.compile(r"B(?P<info>\d\d)[C#]?")
_DANISH = re.compile(r"D(?P<code>[123])#")
# In variant 1 a D after the number starts the redirecting number, a B the special information
_START_A = re.compile(r"A(?P<number>\d*)(?:D(?P<redirect>\d+))?(?:B(?P<info>\d\d))?[C#]?")
_START_D = re.compile(r"D(?P<number>\d+)[C#]?")
_BARE = re.compile(r"(?P<number>\d+)[C#]?")


def parse_dtmf(data: bytes | str) -> CallerIdEvent:
	"""One complete DTMF caller-ID string to an event (Asterisk `callerid_get_dtmf` decision order)."""
	raw = data.decode("latin-1") if isinstance(data, bytes | bytearray) else data
	text = raw.strip().upper()
	if match := _SPECIAL.fullmatch(text):
		return make_event(SOURCE_FORMAT, raw, absent_reason=_special_reason(match["info"]))
	if match := _DANISH.fullmatch(text):
		return make_event(SOURCE_FORMAT, raw, absent_reason=_DANISH_CODES[match["code"]])
	if match := _START_A.fullmatch(text):
		if not match["number"] and not match["info"]:
			raise CallerIdParseError(f"DTMF string {raw!r} has neither a number nor special information")
		return make_event(
			SOURCE_FORMAT,
			raw,
			number=match["number"] or None,
			redirecting_number=match["redirect"],
			absent_reason=_special_reason(match["info"]) if match["info"] else None,
		)
	if match := _START_D.fullmatch(text) or _BARE.fullmatch(text):
		return make_event(SOURCE_FORMAT, raw, number=match["number"])
	raise CallerIdParseError(f"not a DTMF caller-ID string: {raw!r}")


def _special_reason(info: str) -> AbsentReason:
	# Codes other than 00/10 are not defined; the number is missing either way
	return _SPECIAL_INFO.get(info, "unavailable")


def build_dtmf(
	number: str | None = None, *, absent_reason: AbsentReason | None = None, start: str = "D", end: str = "C"
) -> str:
	"""China sends D<number>C; a leading '+' becomes '0' as in Huawei's SLIC driver."""
	if number is not None:
		digits = "0" + number[1:] if number.startswith("+") else number
		if not digits.isdigit():
			raise ValueError(f"DTMF caller ID carries digits only, got {number!r}")
		return f"{start}{digits}{end}"
	if absent_reason not in _SPECIAL_INFO.values():
		raise ValueError("give a number or an absence reason")
	return "B10C" if absent_reason == "private" else "B00C"


class DtmfDecoder(LineDecoder):
	"""DTMF receivers print the detected symbols; a string ends at C or #, a line break or other text."""

	max_token = 64
	separator = re.compile(rb"(?<=[Cc#])|[^0-9A-Da-d*#]+")

	def _line(self, text: str) -> list[CallerIdEvent]:
		return [parse_dtmf(text)]
