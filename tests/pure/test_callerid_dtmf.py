"""CALL-01 DTMF caller ID: every start/end-code form of research note §1.8, and the streaming receiver."""

import pytest
from crm_suite.hardware.dtmf import DtmfDecoder, build_dtmf, parse_dtmf
from crm_suite.hardware.events import CallerIdParseError


@pytest.mark.parametrize(
	("text", "number", "absent_reason", "redirecting_number"),
	[
		("A13800138000C", "13800138000", None, None),
		("D13800138000C", "13800138000", None, None),
		("A02187654321#", "02187654321", None, None),
		("13800138000#", "13800138000", None, None),
		("13800138000C", "13800138000", None, None),
		("13800138000", "13800138000", None, None),
		("A13800138000", "13800138000", None, None),
		("d13800138000c", "13800138000", None, None),
		(" D01088888888C \r\n", "01088888888", None, None),
		("D1#", None, "private", None),
		("D2#", None, "unavailable", None),
		("D3#", None, "unavailable", None),
		("B00C", None, "unavailable", None),
		("B10C", None, "private", None),
		("B00", None, "unavailable", None),
		("B99C", None, "unavailable", None),
		("AB10C", None, "private", None),
		("A1234D5678C", "1234", None, "5678"),
		("A1234D5678B10C", "1234", "private", "5678"),
		("D12#", "12", None, None),
	],
)
def test_dtmf_form(text, number, absent_reason, redirecting_number):
	event = parse_dtmf(text)
	assert (event.number, event.absent_reason, event.redirecting_number) == (
		number,
		absent_reason,
		redirecting_number,
	)
	assert (event.source_format, event.raw, event.when) == ("dtmf", text, None)


@pytest.mark.parametrize(
	"text",
	[
		"",
		"   ",
		"C",
		"#",
		"A",
		"AC",
		"A#",
		"D",
		"DC",
		"D#",
		"B1C",
		"BC",
		"X123C",
		"A12X4C",
		"12C34",
		"D1#2",
		"A1D#",
	],
)
def test_malformed_dtmf_rejected(text):
	with pytest.raises(CallerIdParseError):
		parse_dtmf(text)


def test_bytes_input():
	assert parse_dtmf(b"D13800138000C").number == "13800138000"


@pytest.mark.parametrize(
	("number", "kwargs", "wire"),
	[
		("13800138000", {}, "D13800138000C"),
		("+8613800138000", {}, "D08613800138000C"),
		("13800138000", {"start": "A", "end": "#"}, "A13800138000#"),
		(None, {"absent_reason": "private"}, "B10C"),
		(None, {"absent_reason": "unavailable"}, "B00C"),
	],
)
def test_build_dtmf(number, kwargs, wire):
	assert build_dtmf(number, **kwargs) == wire
	event = parse_dtmf(wire)
	assert (event.number or None, event.absent_reason) == (
		None if number is None else number.replace("+", "0"),
		kwargs.get("absent_reason"),
	)


def test_build_dtmf_refuses_non_digits():
	with pytest.raises(ValueError):
		build_dtmf("138-0013")
	with pytest.raises(ValueError):
		build_dtmf()


def test_stream_symbol_by_symbol():
	decoder = DtmfDecoder()
	events = []
	for symbol in "D13800138000C":
		events += decoder.feed(symbol.encode())
	assert [e.number for e in events] == ["13800138000"]


def test_stream_terminators_split_back_to_back_strings():
	decoder = DtmfDecoder()
	events = decoder.feed(b"D1#B10CA1234D5678CA02187654321#")
	assert [(e.number, e.absent_reason, e.redirecting_number) for e in events] == [
		(None, "private", None),
		(None, "private", None),
		("1234", None, "5678"),
		("02187654321", None, None),
	]


def test_stream_bare_digits_end_at_line_break_or_on_idle_flush():
	decoder = DtmfDecoder(line_id="front-desk")
	assert [e.number for e in decoder.feed(b"13800138000\r\n")] == ["13800138000"]
	assert decoder.feed(b"0108888") == []
	events = decoder.feed(b"8888") + decoder.flush()
	assert [(e.number, e.line_id) for e in events] == [("01088888888", "front-desk")]


def test_stream_noise_is_rejected_and_the_next_string_still_parses():
	decoder = DtmfDecoder()
	events = decoder.feed(b"CID:\x00\xff" + b"9" * 100 + b"\r\nD13800138000C")
	assert [e.number for e in events] == ["13800138000"]
	assert len(decoder.rejected) >= 2
