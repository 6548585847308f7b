"""The streaming interface all device decoders share: bytes in, caller-ID events out, never an exception."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import replace

from crm_suite.hardware.events import CallerIdEvent, CallerIdParseError, NotCallerIdError, clean_text


class Decoder:
	"""`feed()` takes whatever the serial port returned; `flush()` is called by the bridge when the line
	has been idle a moment, so records without an explicit end (a modem call with no NAME) still come out.
	Rejected input is kept in `rejected` for the log instead of being raised: the read loop must not die.
	"""

	def __init__(self, *, line_id: str | None = None, keep_rejected: int = 32):
		self.line_id = line_id
		self.rejected: deque[tuple[bytes | str, str]] = deque(maxlen=keep_rejected)

	def feed(self, data: bytes) -> list[CallerIdEvent]:
		return self._stamp(self._feed(bytes(data)))

	def flush(self) -> list[CallerIdEvent]:
		return self._stamp(self._flush())

	def _feed(self, data: bytes) -> list[CallerIdEvent]:
		raise NotImplementedError

	def _flush(self) -> list[CallerIdEvent]:
		return []

	def _reject(self, raw: bytes | str, error: Exception | str) -> None:
		if not isinstance(error, NotCallerIdError):
			self.rejected.append((raw, str(error)))

	def _stamp(self, events: list[CallerIdEvent]) -> list[CallerIdEvent]:
		if self.line_id is None:
			return events
		return [event if event.line_id else replace(event, line_id=self.line_id) for event in events]


class LineDecoder(Decoder):
	"""Buffers partial input and hands complete tokens (lines by default) to `_line()`."""

	max_token = 1024
	# CR, LF or both: modems frame results as CR LF, NetCallerID ends lines with CR only
	separator = re.compile(rb"[\r\n]+")

	def __init__(self, *, line_id: str | None = None, keep_rejected: int = 32):
		super().__init__(line_id=line_id, keep_rejected=keep_rejected)
		self._buffer = b""

	def _feed(self, data: bytes) -> list[CallerIdEvent]:
		*tokens, self._buffer = self.separator.split(self._buffer + data)
		if len(self._buffer) > self.max_token:
			self._reject(self._buffer, "unterminated input too long")
			self._buffer = b""
		events = []
		for token in tokens:
			events += self._token(token)
		return events

	def _flush(self) -> list[CallerIdEvent]:
		rest, self._buffer = self._buffer, b""
		return self._token(rest) + self._end()

	def _token(self, token: bytes) -> list[CallerIdEvent]:
		text = clean_text(token)
		if text is None:
			return []
		if len(token) > self.max_token:
			self._reject(token, "line too long")
			return []
		try:
			return self._line(text)
		except CallerIdParseError as exc:
			self._reject(text, exc)
			return []

	def _line(self, text: str) -> list[CallerIdEvent]:
		raise NotImplementedError

	def _end(self) -> list[CallerIdEvent]:
		"""The line went idle: emit or drop whatever record is still open."""
		return []
