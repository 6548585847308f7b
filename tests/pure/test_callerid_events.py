"""CALL-01 caller-ID event model and device profiles: shared construction rules, calendar placement,
serialisation for the bridge's POST, and that the parsing layer stays free of frappe."""

import ast
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import crm_suite.hardware as hardware
import pytest
from crm_suite.hardware.dtmf import DtmfDecoder
from crm_suite.hardware.events import (
	CallerIdEvent,
	CallerIdParseError,
	CallTime,
	clean_text,
	make_event,
	placeholder_reason,
)
from crm_suite.hardware.fsk import FskDecoder, build_mdmf
from crm_suite.hardware.modem import ModemDecoder
from crm_suite.hardware.profiles import PROFILES, UnknownProfileError, get_profile

HARDWARE_DIR = Path(hardware.__file__).parent


@pytest.mark.parametrize(
	("parts", "expected"),
	[
		((3, 21, 14, 5), CallTime(3, 21, 14, 5)),
		((13, 21, 14, 5), CallTime(None, None, 14, 5)),
		((3, 0, 14, 5), CallTime(None, None, 14, 5)),
		((3, 21, 24, 5), CallTime(3, 21)),
		((3, 21, 14, 60), CallTime(3, 21)),
		((3, 21, None, None), CallTime(3, 21)),
		((13, 40, 25, 61), None),
		((None, None, None, None), None),
	],
)
def test_call_time_keeps_only_plausible_halves(parts, expected):
	assert CallTime.from_parts(*parts) == expected


@pytest.mark.parametrize("text", ["0321140", "032114055", "0321 405", "O3211405", "", "٠٣٢١١٤٠٥"])
def test_call_time_from_mmddhhmm_needs_eight_ascii_digits(text):
	assert CallTime.from_mmddhhmm(text) is None


@pytest.mark.parametrize(
	("when", "now", "expected"),
	[
		(CallTime(3, 21, 14, 5), datetime(2025, 3, 21, 14, 6, 30), datetime(2025, 3, 21, 14, 5)),
		(CallTime(12, 31, 23, 59), datetime(2025, 1, 1, 0, 1), datetime(2024, 12, 31, 23, 59)),
		(CallTime(1, 1, 0, 0), datetime(2024, 12, 31, 23, 59), datetime(2025, 1, 1, 0, 0)),
		(CallTime(2, 29, 8, 0), datetime(2025, 3, 1, 9, 0), datetime(2024, 2, 29, 8, 0)),
		(CallTime(hour=9, minute=30), datetime(2025, 6, 1, 9, 31), datetime(2025, 6, 1, 9, 30)),
		(CallTime(6, 1), datetime(2025, 6, 2, 9, 31, 12), datetime(2025, 6, 1, 9, 31)),
		(CallTime(4, 31, 8, 0), datetime(2025, 5, 1), None),
	],
)
def test_call_time_to_datetime(when, now, expected):
	assert when.to_datetime(now) == expected


@pytest.mark.parametrize(
	("text", "reason"),
	[
		("P", "private"),
		("o", "unavailable"),
		("Restricted", "private"),
		("0000000000", "private"),
		("NO NAME", "unavailable"),
		("13800138000", None),
		("PrivDirOff", None),
		(None, None),
	],
)
def test_placeholder_words(text, reason):
	assert placeholder_reason(text) == reason


def test_clean_text():
	assert clean_text(b"\x08 JOHN\x00 DOE \r\n") == "JOHN DOE"
	assert clean_text(b"\xe5\xbc\xa0\xe4\xb8\x89") == "张三"
	assert clean_text(b"M\xfcller") == "Müller"
	assert clean_text(b" \x07 ") is None


def test_make_event_refuses_an_event_without_caller_information():
	with pytest.raises(CallerIdParseError, match="no caller"):
		make_event("modem_text", "", number="  ", name=b"\x08")


def test_event_is_frozen_and_serialisable():
	event = make_event(
		"fsk_mdmf",
		b"\x80\x00",
		number="13800138000",
		when=CallTime(3, 21, 14, 5),
		extra_params=((0x16, b"\x04"),),
	)
	with pytest.raises(AttributeError):
		event.number = "1"
	data = json.loads(json.dumps(event.as_dict()))
	assert data == {
		"number": "13800138000",
		"name": None,
		"absent_reason": None,
		"when": {"month": 3, "day": 21, "hour": 14, "minute": 5},
		"kind": "inbound",
		"source_format": "fsk_mdmf",
		"line_id": None,
		"raw": "8000",
		"name_absent_reason": None,
		"redirecting_number": None,
		"called_number": None,
		"extra_params": [[0x16, "04"]],
	}
	assert event.calling_user_type == "mobile"
	assert CallerIdEvent(number="1", raw="RING").as_dict()["raw"] == "RING"


# --- profiles -----------------------------------------------------------------------------------

SAMPLES = {
	"modem": (b"RING\r\nDATE = 0321\r\nTIME = 1405\r\nNMBR = 13800138000\r\nNAME = ZHANG\r\n", "modem_text"),
	"fsk_box": (b"\x55" * 30 + build_mdmf("13800138000", "ZHANG", when="03211405"), "fsk_mdmf"),
	"dtmf_box": (b"D13800138000C", "dtmf"),
	"gsm": (b'RING\r\n+CLIP: "13800138000",129,,,"ZHANG",0\r\n', "gsm_clip"),
}


@pytest.mark.parametrize(
	("name", "baudrate", "decoder_type"),
	[
		("modem", 115200, ModemDecoder),
		("fsk_box", 1200, FskDecoder),
		("dtmf_box", 9600, DtmfDecoder),
		("gsm", 115200, ModemDecoder),
	],
)
def test_profile_decodes_its_device_through_the_common_interface(name, baudrate, decoder_type):
	profile = get_profile(name)
	decoder = profile.new_decoder(line_id="L1")
	assert (profile.name, profile.baudrate, type(decoder)) == (name, baudrate, decoder_type)
	data, source_format = SAMPLES[name]
	events = decoder.feed(data) + decoder.flush()
	assert [(e.number, e.source_format, e.line_id) for e in events] == [("13800138000", source_format, "L1")]


def test_profile_init_strings():
	assert get_profile("modem").cid_enable == ("AT+VCID=1", "AT#CID=1", "AT-STE=1;+VCID=1")
	assert get_profile("modem").init_strings[0] == "ATZ"
	assert get_profile("gsm").init_strings == ("ATE0", "AT+CLIP=1")
	assert get_profile("fsk_box").init_strings == get_profile("fsk_box").cid_enable == ()


def test_every_profile_has_a_sample():
	assert set(PROFILES) == set(SAMPLES)


def test_unknown_profile_names_the_known_ones():
	with pytest.raises(UnknownProfileError, match=r"'comet'.*dtmf_box, fsk_box, gsm, modem"):
		get_profile("comet")
	assert issubclass(UnknownProfileError, ValueError)


# --- purity -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(HARDWARE_DIR.glob("*.py")), ids=lambda p: p.name)
def test_parser_module_never_imports_frappe(path):
	tree = ast.parse(path.read_text())
	imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
	imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
	assert not [name for name in imported if name.split(".")[0] == "frappe"]


def test_importing_the_hardware_package_loads_no_frappe():
	code = "import sys, crm_suite.hardware.profiles; print('frappe' in sys.modules)"
	result = subprocess.run(
		[sys.executable, "-c", code],
		capture_output=True,
		text=True,
		check=True,
		cwd=HARDWARE_DIR.parents[1],
	)
	assert result.stdout.strip() == "False"
