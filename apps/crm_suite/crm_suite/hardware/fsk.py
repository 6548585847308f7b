"""FSK caller ID frames: Bellcore GR-30, ETSI EN 300 659 and China YDN 069 share one framing.

	type(1) length(1) payload(length) checksum(1), the whole frame summing to 0 mod 256.

SDMF (0x04) carries MMDDhhmm and the number as ASCII; MDMF (0x80) carries TLV parameters.
"""

from __future__ import annotations

import re
from datetime import datetime

from crm_suite.hardware.events import (
	AbsentReason,
	CallerIdEvent,
	CallerIdParseError,
	CallTime,
	NotCallerIdError,
	make_event,
	reason_from_code,
)
from crm_suite.hardware.stream import Decoder

SDMF_CALLER_ID = 0x04
MDMF_CALLER_ID = 0x80
SDMF_MESSAGE_WAITING = 0x06
MDMF_MESSAGE_WAITING = 0x82
ETSI_ADVICE_OF_CHARGE = 0x86
ETSI_SMS = 0x89

MESSAGE_KINDS = {
	SDMF_CALLER_ID: "caller_id",
	MDMF_CALLER_ID: "caller_id",
	SDMF_MESSAGE_WAITING: "message_waiting",
	MDMF_MESSAGE_WAITING: "message_waiting",
	ETSI_ADVICE_OF_CHARGE: "advice_of_charge",
	ETSI_SMS: "sms",
}
_PARAMETER_TYPES = frozenset({MDMF_CALLER_ID, MDMF_MESSAGE_WAITING})

PARAM_DATE = 0x01
PARAM_NUMBER = 0x02
PARAM_CALLED_NUMBER = 0x03
PARAM_NUMBER_ABSENT = 0x04
PARAM_NAME = 0x07
PARAM_NAME_ABSENT = 0x08
PARAM_VISUAL_INDICATOR = 0x0B
PARAM_CALL_TYPE = 0x11
PARAM_REDIRECTING_NUMBER = 0x1A

# Demodulators show the channel seizure as 0x55 or 0xAA depending on where the UART locks on
SEIZURE_BYTES = b"\x55\xaa"
SEIZURE_PREAMBLE = b"\x55" * 30
_CANDIDATE = re.compile(b"[" + re.escape(bytes(sorted(MESSAGE_KINDS))) + b"]")

_ABSENT_CODES = {"private": b"P", "unavailable": b"O"}


class FskMessage:
	"""A checksum-verified frame of any known type, caller ID or not."""

	__slots__ = ("frame", "message_type", "params", "payload")

	def __init__(self, frame: bytes, params: tuple[tuple[int, bytes], ...]):
		self.frame = frame
		self.message_type = frame[0]
		self.payload = frame[2:-1]
		self.params = params

	@property
	def kind(self) -> str:
		return MESSAGE_KINDS[self.message_type]

	@property
	def message_waiting(self) -> bool | None:
		"""Voicemail lamp state for message-waiting frames, None when not said."""
		if self.message_type == SDMF_MESSAGE_WAITING:
			return {b"BBB": True, b"ooo": False}.get(self.payload)
		for ptype, value in self.params:
			if ptype == PARAM_VISUAL_INDICATOR and value in (b"\xff", b"\x00"):
				return value == b"\xff"
		return None


def checksum(data: bytes) -> int:
	"""Two's complement of the mod-256 sum of type, length and payload."""
	return -sum(data) & 0xFF


def parse_params(payload: bytes) -> tuple[tuple[int, bytes], ...]:
	"""MDMF TLV parameters, in wire order; unknown types are kept, lengths are bound-checked."""
	params = []
	pos = 0
	while pos < len(payload):
		if pos + 2 > len(payload):
			raise CallerIdParseError(f"parameter header cut off at byte {pos}")
		ptype, plen = payload[pos], payload[pos + 1]
		if pos + 2 + plen > len(payload):
			raise CallerIdParseError(f"parameter 0x{ptype:02X} claims {plen} bytes, frame ends sooner")
		params.append((ptype, bytes(payload[pos + 2 : pos + 2 + plen])))
		pos += 2 + plen
	return tuple(params)


def decode_frame(data: bytes) -> FskMessage:
	"""Check framing and checksum of one frame (a leading seizure preamble is skipped)."""
	frame = bytes(data).lstrip(SEIZURE_BYTES)
	if len(frame) < 3:
		raise CallerIdParseError("frame shorter than type, length and checksum")
	if frame[0] not in MESSAGE_KINDS:
		raise CallerIdParseError(f"unknown message type 0x{frame[0]:02X}")
	if len(frame) != frame[1] + 3:
		raise CallerIdParseError(f"length byte says {frame[1]} payload bytes, frame holds {len(frame) - 3}")
	if sum(frame) & 0xFF:
		raise CallerIdParseError(f"checksum 0x{frame[-1]:02X} wrong, expected 0x{checksum(frame[:-1]):02X}")
	params = parse_params(frame[2:-1]) if frame[0] in _PARAMETER_TYPES else ()
	return FskMessage(frame, params)


def parse_frame(data: bytes, *, source_format: str | None = None) -> CallerIdEvent:
	"""One frame to one event; raises NotCallerIdError for valid message-waiting and other non-CID frames."""
	return message_to_event(decode_frame(data), source_format=source_format)


def message_to_event(message: FskMessage, *, source_format: str | None = None) -> CallerIdEvent:
	if message.kind != "caller_id":
		raise NotCallerIdError(f"{message.kind.replace('_', ' ')} message, no caller ID", message.kind)
	if message.message_type == SDMF_CALLER_ID:
		return _sdmf_event(message, source_format or "fsk_sdmf")
	return _mdmf_event(message, source_format or "fsk_mdmf")


def _ascii(value: bytes) -> str:
	# Some Chinese decoders strip the parity bit before reading digits; harmless for real ASCII
	return bytes(b & 0x7F for b in value).decode("ascii")


def _sdmf_event(message: FskMessage, source_format: str) -> CallerIdEvent:
	text = _ascii(message.payload)
	if len(text) < 9:
		raise CallerIdParseError("SDMF payload needs 8 date digits and a number or absence code")
	number, reason = text[8:], None
	if len(number) == 1 and number.isalpha():
		number, reason = None, reason_from_code(number)
	return make_event(
		source_format,
		message.frame,
		number=number,
		absent_reason=reason,
		when=CallTime.from_mmddhhmm(text[:8]),
	)


_MDMF_FIELDS = frozenset(
	{
		PARAM_DATE,
		PARAM_NUMBER,
		PARAM_CALLED_NUMBER,
		PARAM_NUMBER_ABSENT,
		PARAM_NAME,
		PARAM_NAME_ABSENT,
		PARAM_REDIRECTING_NUMBER,
	}
)


def _mdmf_event(message: FskMessage, source_format: str) -> CallerIdEvent:
	fields: dict[int, bytes] = {}
	extra = []
	for ptype, value in message.params:
		if ptype in _MDMF_FIELDS:
			fields.setdefault(ptype, value)
		else:
			extra.append((ptype, value))
	text = {ptype: _ascii(value) for ptype, value in fields.items() if ptype != PARAM_NAME}
	number_absent, name_absent = text.get(PARAM_NUMBER_ABSENT), text.get(PARAM_NAME_ABSENT)
	return make_event(
		source_format,
		message.frame,
		number=text.get(PARAM_NUMBER),
		name=fields.get(PARAM_NAME),
		absent_reason=reason_from_code(number_absent) if number_absent is not None else None,
		name_absent_reason=reason_from_code(name_absent) if name_absent is not None else None,
		when=CallTime.from_mmddhhmm(text.get(PARAM_DATE, "")),
		called_number=text.get(PARAM_CALLED_NUMBER),
		redirecting_number=text.get(PARAM_REDIRECTING_NUMBER),
		extra_params=tuple(extra),
	)


# --- builders: tests and the bridge's --simulate mode ---------------------------------------------


def build_frame(message_type: int, payload: bytes) -> bytes:
	if len(payload) > 255:
		raise ValueError("payload longer than 255 bytes")
	body = bytes([message_type, len(payload)]) + bytes(payload)
	return body + bytes([checksum(body)])


def build_param(ptype: int, value: bytes | str) -> bytes:
	data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
	if len(data) > 255:
		raise ValueError(f"parameter 0x{ptype:02X} longer than 255 bytes")
	return bytes([ptype, len(data)]) + data


def _date_text(when: CallTime | datetime | str) -> str:
	if isinstance(when, str):
		text = when
	elif isinstance(when, datetime):
		text = when.strftime("%m%d%H%M")
	elif None in (when.month, when.day, when.hour, when.minute):
		raise ValueError("FSK needs a full MMDDhhmm date")
	else:
		text = f"{when.month:02d}{when.day:02d}{when.hour:02d}{when.minute:02d}"
	if len(text) != 8 or not text.isdigit():
		raise ValueError(f"date must be 8 digits MMDDhhmm, got {text!r}")
	return text


def _absent_code(reason: AbsentReason | str) -> bytes:
	code = _ABSENT_CODES.get(reason) or reason.encode("ascii")
	if len(code) != 1:
		raise ValueError(f"unknown absence reason {reason!r}")
	return code


def build_sdmf(
	number: str | None = None,
	*,
	when: CallTime | datetime | str | None = None,
	absent_reason: AbsentReason | str | None = None,
) -> bytes:
	"""SDMF always carries a date; without `when` the current local time is sent, as exchanges do."""
	if (number is None) == (absent_reason is None):
		raise ValueError("give either a number or an absence reason")
	tail = number.encode("ascii") if number is not None else _absent_code(absent_reason)
	return build_frame(SDMF_CALLER_ID, _date_text(when or datetime.now()).encode("ascii") + tail)


def build_mdmf(
	number: str | None = None,
	name: str | None = None,
	*,
	when: CallTime | datetime | str | None = None,
	absent_reason: AbsentReason | str | None = None,
	name_absent_reason: AbsentReason | str | None = None,
	called_number: str | None = None,
	extra_params: tuple[tuple[int, bytes], ...] = (),
) -> bytes:
	payload = b""
	if when is not None:
		payload += build_param(PARAM_DATE, _date_text(when))
	if number is not None:
		payload += build_param(PARAM_NUMBER, number.encode("ascii"))
	if absent_reason is not None:
		payload += build_param(PARAM_NUMBER_ABSENT, _absent_code(absent_reason))
	if called_number is not None:
		payload += build_param(PARAM_CALLED_NUMBER, called_number.encode("ascii"))
	if name is not None:
		payload += build_param(PARAM_NAME, name)
	if name_absent_reason is not None:
		payload += build_param(PARAM_NAME_ABSENT, _absent_code(name_absent_reason))
	for ptype, value in extra_params:
		payload += build_param(ptype, value)
	return build_frame(MDMF_CALLER_ID, payload)


# --- streaming --------------------------------------------------------------------------------------


class FskDecoder(Decoder):
	"""Raw binary boxes (CTI Comet, HT9032 modules, CH340 boards): frames arrive in arbitrary chunks,
	between seizure bytes and line noise. Frames are self-delimiting by their length byte.
	"""

	def __init__(self, *, line_id: str | None = None, keep_rejected: int = 32):
		super().__init__(line_id=line_id, keep_rejected=keep_rejected)
		self._buffer = bytearray()

	def _feed(self, data: bytes) -> list[CallerIdEvent]:
		buffer = self._buffer
		buffer += data
		events = []
		# Walk an offset and cut the buffer once: deleting at the front per byte is quadratic
		pos = 0
		while (match := _CANDIDATE.search(buffer, pos)) is not None:
			pos = match.start()
			size = self._complete_size(pos)
			if size is None:
				# A stray type byte must not hold back a whole frame that already arrived behind it
				later = self._next_valid_frame(pos + 1)
				if later is None:
					break
				pos = later
				continue
			frame = bytes(buffer[pos : pos + size])
			try:
				message = decode_frame(frame)
			except CallerIdParseError as exc:
				# Resync one byte on: a real frame may start inside a corrupted one
				self._reject(frame, exc)
				pos += 1
				continue
			pos += size
			try:
				events.append(message_to_event(message))
			except CallerIdParseError as exc:
				self._reject(frame, exc)
		else:
			pos = len(buffer)
		del buffer[:pos]
		return events

	def _flush(self) -> list[CallerIdEvent]:
		# Idle line: a candidate still waiting for bytes was truncated or noise
		events = self._feed(b"")
		if self._buffer:
			self._reject(bytes(self._buffer), "truncated frame")
		while self._buffer:
			del self._buffer[:1]
			events += self._feed(b"")
		return events

	def _complete_size(self, pos: int) -> int | None:
		"""Frame size if the candidate at `pos` is complete, None while bytes are still missing."""
		if pos + 2 > len(self._buffer):
			return None
		size = self._buffer[pos + 1] + 3
		return size if pos + size <= len(self._buffer) else None

	def _next_valid_frame(self, pos: int) -> int | None:
		while (match := _CANDIDATE.search(self._buffer, pos)) is not None:
			pos = match.start()
			size = self._complete_size(pos)
			if size is not None and not sum(self._buffer[pos : pos + size]) & 0xFF:
				try:
					decode_frame(bytes(self._buffer[pos : pos + size]))
					return pos
				except CallerIdParseError:
					pass
			pos += 1
		return None
