"""CALL-01 voice-modem and GSM caller ID: formatted transcripts of each dialect, hex frames, +CLIP."""

import pytest
from crm_suite.hardware.events import CallerIdParseError, CallTime
from crm_suite.hardware.fsk import build_mdmf
from crm_suite.hardware.modem import (
	ModemDecoder,
	modem_init_strings,
	parse_clip,
	parse_hex_frame,
	parse_modem_line,
	parse_modem_transcript,
	split_tags,
)


def crlf(*lines):
	"""Modems frame every result as CR LF text CR LF, which leaves empty lines between."""
	return "".join(f"\r\n{line}\r\n" for line in lines).encode()


def summary(events):
	return [(e.number, e.name, e.absent_reason, e.name_absent_reason, e.when) for e in events]


def test_canonical_manual_transcript_emits_at_the_name_line():
	decoder = ModemDecoder()
	head = crlf("RING", "", "DATE = 0321", "TIME = 1405", "NMBR = 5045551234")
	assert decoder.feed(head) == []
	events = decoder.feed(crlf("NAME = A N OTHER"))
	assert summary(events) == [("5045551234", "A N OTHER", None, None, CallTime(3, 21, 14, 5))]
	assert events[0].source_format == "modem_text"
	assert events[0].raw == "DATE = 0321\nTIME = 1405\nNMBR = 5045551234\nNAME = A N OTHER"
	assert decoder.feed(crlf("", "RING")) + decoder.flush() == []


def test_chinese_modem_without_name_emits_at_next_ring():
	decoder = ModemDecoder()
	assert decoder.feed(crlf("RING", "DATE = 1120", "TIME = 1748", "NMBR = 18612345678")) == []
	events = decoder.feed(crlf("RING"))
	assert summary(events) == [("18612345678", None, None, None, CallTime(11, 20, 17, 48))]


def test_record_without_end_comes_out_on_flush():
	decoder = ModemDecoder()
	assert decoder.feed(crlf("DATE = 1120", "TIME = 1748", "NMBR = 013800138000")) == []
	assert [e.number for e in decoder.flush()] == ["013800138000"]
	assert decoder.flush() == []


def test_caller_id_before_first_ring_is_accepted():
	events = parse_modem_transcript(crlf("DATE = 0101", "TIME = 0000", "NMBR = 01088888888", "RING", "RING"))
	assert summary(events) == [("01088888888", None, None, None, CallTime(1, 1, 0, 0))]


@pytest.mark.parametrize(
	("lines", "expected"),
	[
		(
			["DATE=0119", "TIME=0930", "NMBR=5071234567", "NAME=JOHN"],
			("5071234567", "JOHN", CallTime(1, 19, 9, 30)),
		),
		(["DATE= 0119", "NAME =JOHN", "NMBR  =  5071234567"], ("5071234567", "JOHN", CallTime(1, 19))),
		(["DATE = 0119", "NAME=JOHN DOE NMBR=5071234567"], ("5071234567", "JOHN DOE", CallTime(1, 19))),
		(["NAME=JOHN DOENMBR=5071234567"], ("5071234567", "JOHN DOE", None)),
		(
			["DATE = 0103", "TIME = 1254", "NAME = SARASOTA,FL", "DDN_NMBR = 9415557218"],
			("9415557218", "SARASOTA,FL", CallTime(1, 3, 12, 54)),
		),
		(["DATE = 0103", "DDN_NMBR= 9932562", "NAME = X"], ("9932562", "X", CallTime(1, 3))),
		(
			["DATE = 0103", "TIME = 1334", "", "DDN = 9415557218", "RING"],
			("9415557218", None, CallTime(1, 3, 13, 34)),
		),
		(
			["CID RING", "CALLING MSG", "DATE TIME=11/24 22:10", "NBR=0632727751", "END MSG"],
			("0632727751", None, CallTime(11, 24, 22, 10)),
		),
		(
			["TIME: 03-21 14:05", "CALLER NUMBER: 0123456789", "RING"],
			("0123456789", None, CallTime(3, 21, 14, 5)),
		),
		(["CALLER'S NUMBER: 0765628312", "RING"], ("0765628312", None, None)),
		(
			["DATE = 1120", "TIME = 1748", "NMBR = 186XXXXXXXX", "RING"],
			("186XXXXXXXX", None, CallTime(11, 20, 17, 48)),
		),
		(
			["DATE = 0128", "TIME = 1509", "NAME = Vähälä", "NMBR = 9085555002"],
			("9085555002", "Vähälä", CallTime(1, 28, 15, 9)),
		),
	],
	ids=[
		"no_spaces",
		"odd_spacing",
		"name_and_number_on_one_line",
		"name_and_number_glued",
		"ddn_nmbr_name_first",
		"ddn_nmbr_bell_canada",
		"ddn_after_blank_line",
		"kortex_france",
		"zyxel",
		"callers_number",
		"chinese_redacted_example",
		"utf8_name",
	],
)
def test_formatted_dialect(lines, expected):
	events = parse_modem_transcript(crlf(*lines))
	assert [(e.number, e.name, e.when) for e in events] == [expected]


def test_swiss_from_to_line_gives_number_and_called_number():
	(event,) = parse_modem_transcript(crlf("FM:0765628312 TO:8673312", "RING"))
	assert (event.number, event.called_number) == ("0765628312", "8673312")


@pytest.mark.parametrize(
	("lines", "expected"),
	[
		(["NMBR = P", "NAME = WITHHELD"], (None, None, "private", "private")),
		(["NMBR = O", "NAME = O"], (None, None, "unavailable", "unavailable")),
		(["NMBR = 0000000000", "NAME = PrivDirOff"], (None, "PrivDirOff", "private", None)),
		(["NMBR = Restricted", "NAME = Unavailable"], (None, None, "private", "unavailable")),
		(["NMBR = 14075552120", "NAME = NO NAME"], ("14075552120", None, None, "unavailable")),
		(["NMBR = ####", "NMBR = O", "RING"], ("####", None, None, None)),
	],
	ids=["private", "unavailable", "privdiroff", "restricted", "no_name", "first_number_kept"],
)
def test_absent_number_and_name_forms(lines, expected):
	events = parse_modem_transcript(crlf("DATE = 0926", "TIME = 1933", *lines))
	assert [(e.number, e.name, e.absent_reason, e.name_absent_reason) for e in events] == [expected]


@pytest.mark.parametrize(
	("date", "time", "when"),
	[
		("", "", None),
		("0312", "12541", CallTime(3, 12)),
		("1201", "2423", CallTime(12, 1)),
		("1399", "1405", CallTime(hour=14, minute=5)),
		("03/12", "14:05", CallTime(3, 12, 14, 5)),
	],
)
def test_garbled_or_empty_date_and_time_never_lose_the_call(date, time, when):
	(event,) = parse_modem_transcript(crlf(f"DATE = {date}", f"TIME = {time}", "NMBR = 6305551500", "RING"))
	assert (event.number, event.when) == ("6305551500", when)


def test_mesg_parameters_are_decoded_into_extra_params():
	(event,) = parse_modem_transcript(
		crlf("MESG = 110101", "DATE = 0421", "TIME = 0934", "NMBR = P", "NAME = WITHHELD")
	)
	assert event.extra_params == ((0x11, b"\x01"),)


def test_bad_mesg_is_logged_and_the_call_kept():
	decoder = ModemDecoder()
	events = decoder.feed(crlf("MESG = 11zz", "NMBR = 123", "NAME = A"))
	assert [e.number for e in events] == ["123"]
	assert decoder.rejected[0][0] == "11zz"


def test_several_calls_in_one_session_each_emitted_once():
	transcript = crlf(
		"RING", "DATE = 0103", "TIME = 1254", "NMBR = 111", "NAME = ONE", "RING",
		"RING", "DATE = 0103", "TIME = 1300", "NMBR = 222", "RING", "RING",
		"DATE = 0103", "TIME = 1310", "NAME = THREE", "NMBR = 333",
		"DATE = 0103", "TIME = 1320", "NMBR = 444",
		"DATE = 0103", "TIME = 1330", "NMBR = 555",
	)  # fmt: skip
	events = parse_modem_transcript(transcript)
	assert [(e.number, e.name) for e in events] == [
		("111", "ONE"),
		("222", None),
		("333", "THREE"),
		("444", None),
		("555", None),
	]


def test_date_only_record_is_dropped_when_the_next_call_starts():
	decoder = ModemDecoder()
	events = decoder.feed(
		crlf("DATE = 0103", "TIME = 1254", "RING", "DATE = 0103", "TIME = 1300", "NMBR = 222")
	)
	assert summary(events + decoder.flush()) == [("222", None, None, None, CallTime(1, 3, 13, 0))]
	assert "no caller" in decoder.rejected[0][1]


def test_transcript_split_at_every_byte_gives_the_same_events():
	transcript = crlf("RING", "DATE = 0321", "TIME = 1405", "NMBR = 5045551234", "NAME = A N OTHER", "RING")
	decoder = ModemDecoder()
	events = []
	for byte in transcript:
		events += decoder.feed(bytes([byte]))
	assert summary(events) == summary(parse_modem_transcript(transcript))
	assert len(events) == 1


def test_latin1_name_bytes():
	(event,) = parse_modem_transcript("NAME = Vähälä\r\nNMBR = 9085555002\r\n".encode("latin-1"))
	assert event.name == "Vähälä"


def test_cr_only_and_lf_only_line_ends():
	assert [e.number for e in parse_modem_transcript(b"NMBR = 1\rNAME = A\r")] == ["1"]
	assert [e.number for e in parse_modem_transcript(b"NMBR = 2\nNAME = B\n")] == ["2"]


def test_echo_and_result_codes_are_ignored():
	transcript = b"ATZ\r\r\nOK\r\nAT+VCID=1\r\r\nOK\r\n" + crlf("RING", "NMBR = 123", "NAME = X")
	assert [e.number for e in parse_modem_transcript(transcript)] == ["123"]


# --- unformatted (+VCID=2) hex frames ---------------------------------------------------------------

NCID_HEX = "802001083035313131383532020A3430373535353030303007084A4F484E20444F4584"


def test_hex_frame_session():
	events = parse_modem_transcript(crlf("RING", NCID_HEX, "RING"))
	assert [(e.number, e.name, e.when, e.source_format) for e in events] == [
		("4075550000", "JOHN DOE", CallTime(5, 11, 18, 52), "modem_hex")
	]
	assert events[0].raw == bytes.fromhex(NCID_HEX)


def test_hex_frame_lowercase_spaced_and_with_seizure_prefix():
	frame = build_mdmf("13800138000", when="03211405").hex()
	spaced = " ".join(frame[i : i + 2] for i in range(0, len(frame), 2))
	for line in (frame, spaced.upper(), "5555" + frame):
		assert parse_hex_frame(line).number == "13800138000"


def test_hex_frame_with_bad_checksum_is_rejected_not_emitted():
	decoder = ModemDecoder()
	assert decoder.feed(crlf(NCID_HEX[:-2] + "7D")) == []
	assert "checksum" in decoder.rejected[0][1]
	with pytest.raises(CallerIdParseError, match="checksum"):
		parse_modem_line(NCID_HEX[:-2] + "7D")


def test_hex_message_waiting_is_neither_event_nor_rejection():
	decoder = ModemDecoder()
	assert decoder.feed(crlf("82030B01FF70")) + decoder.flush() == []
	assert list(decoder.rejected) == []


@pytest.mark.parametrize("line", ["13800138000", "0123", "2423", "OK", "RING", "DEADBEEF00", "CONNECT 9600"])
def test_lines_that_are_not_hex_frames(line):
	assert parse_hex_frame(line) is None


# --- GSM +CLIP ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	("line", "expected"),
	[
		('+CLIP: "13800138000",129,,,,0', ("13800138000", None, None)),
		('+CLIP: "82882690",129,,,,0', ("82882690", None, None)),
		('+CLIP: "",128,,,,1', (None, None, "private")),
		('+CLIP: "",129,,,,2', (None, None, "unavailable")),
		('+CLIP: "",128', (None, None, "private")),
		('+CLIP: "8613800138000",145,,,,0', ("+8613800138000", None, None)),
		('+CLIP: "+12025550123",145', ("+12025550123", None, None)),
		('+CLIP: "13800138000",129,"",,"ZHANG SAN",0', ("13800138000", "ZHANG SAN", None)),
		('+CLIP:"13800138000",161', ("13800138000", None, None)),
	],
)
def test_clip_line(line, expected):
	event = parse_clip(line)
	assert (event.number, event.name, event.absent_reason) == expected
	assert (event.source_format, event.raw) == ("gsm_clip", line)


@pytest.mark.parametrize("line", ["+CLIP:", "+CLIP: ", '+CLIP: "123"', "+CLIPPY", "RING"])
def test_malformed_clip_rejected(line):
	with pytest.raises(CallerIdParseError):
		parse_clip(line)


def test_gsm_session_reports_clip_after_each_ring():
	session = crlf(
		"RING", '+CLIP: "13800138000",129,,,,0', "RING", '+CLIP: "13800138000",129,,,,0', "NO CARRIER"
	)
	events = parse_modem_transcript(session)
	assert [e.number for e in events] == ["13800138000", "13800138000"]
	# repeats are the bridge's to drop, by this key
	assert events[0].dedup_key == events[1].dedup_key


# --- NetCallerID / NCID gateway lines ------------------------------------------------------------


def test_netcallerid_line_with_cr_only_ending():
	(event,) = parse_modem_transcript(b"###DATE03301423...NMBR4075551212...NAMEWIRELESS CALL+++\r")
	assert (event.number, event.name, event.when, event.source_format) == (
		"4075551212",
		"WIRELESS CALL",
		CallTime(3, 30, 14, 23),
		"netcallerid",
	)


def test_ncid_gateway_call_line():
	event = parse_modem_line("CALL: ###DATE03301423...CALLOUT...LINE2...NMBR4075551212...NAME-+++")
	assert (event.number, event.kind, event.line_id, event.name) == ("4075551212", "outbound", "2", "-")


# --- tag splitting and init strings -------------------------------------------------------------


def test_split_tags_only_for_lines_starting_with_a_tag():
	assert split_tags("NAME = BACK TO: BASICS") == [("name", "BACK TO: BASICS")]
	assert split_tags("FM:0765628312 TO:8673312") == [("number", "0765628312"), ("called", "8673312")]
	assert split_tags("FM:0765628312 NAME=X") == [("number", "0765628312 NAME=X")]
	assert split_tags("AT+VCID=1") == []
	assert split_tags("CID RING") == []


def test_init_strings_per_dialect():
	assert modem_init_strings() == ("ATZ", "ATE0", "ATV1", "ATQ0", "ATS0=0", "AT+VCID=1")
	assert modem_init_strings("rockwell", hex_frames=True)[-1] == "AT#CID=2"
	assert modem_init_strings("conexant", country="cn")[-2:] == ("AT+GCI=26", "AT-STE=1;+VCID=1")
	with pytest.raises(ValueError, match="v253"):
		modem_init_strings("hayes")
	with pytest.raises(ValueError, match="GCI"):
		modem_init_strings(country="XX")
