"""The bridge's wire shapes (SPEC CALL-01, CALL-02): what the daemon makes, the site accepts."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_suite.hardware.daemon import BridgeConfig, ConfigError
from crm_suite.policies.callerid_wire import (
	LINE_ID,
	call_kind,
	new_event_id,
	valid_event_id,
	valid_line_id,
	valid_number,
)

LINE_CHARS = "abcXYZ019._:@/-"


@given(st.text(alphabet=LINE_CHARS, min_size=0, max_size=63).map(lambda tail: "L" + tail))
def test_every_valid_line_id_gives_event_ids_the_site_accepts(line_id):
	assert valid_line_id(line_id)
	first, second = new_event_id(line_id), new_event_id(line_id)
	assert valid_event_id(first) and valid_event_id(second)
	assert first != second


@pytest.mark.parametrize(
	("line_id", "prefix"),
	[
		("sales-desk-1", "sales-desk-1-"),
		("desk@beijing/2", "desk_beijing_2-"),
		("x" * 64, "x" * 31 + "-"),
		("9", "9-"),
	],
)
def test_event_ids_name_their_line(line_id, prefix):
	assert new_event_id(line_id).startswith(prefix)


def test_shapes_refuse_what_they_should():
	assert not valid_line_id("") and not valid_line_id("-x") and not valid_line_id("x" * 65)
	assert not valid_line_id(None) and not valid_event_id(12345678)
	assert not valid_event_id("short") and not valid_event_id("a/b-" + "0" * 10)
	assert valid_number("+86 (10) 6234-5678") and valid_number("*31#13800138000")
	assert not valid_number("") and not valid_number("138abc") and not valid_number("1" * 33)
	assert (call_kind("missed"), call_kind("inbound"), call_kind("outbound"), call_kind(None)) == (
		"missed",
		"inbound",
		"inbound",
		"inbound",
	)


def test_bridge_refuses_a_line_id_the_site_would_refuse():
	config = BridgeConfig(
		port="/dev/null", line_id="desk 1", site_url="https://crm.example.cn", api_key="k", api_secret="s"
	)
	with pytest.raises(ConfigError, match="line_id"):
		config.validate()
	config.line_id = "desk-1"
	config.validate()
	assert LINE_ID.match(config.line_id)
