"""CALL-04/06/07 pure rules: what a line dials, SMS templates, number region/carrier and the local-number
candidates of the suffix fallback."""

import pytest
from crm_suite.policies.dialing import NotDialable, dial_string
from crm_suite.policies.numbers import local_number_candidates, number_info
from crm_suite.policies.sms import SmsTooLong, placeholders, render_sms, sms_parts


@pytest.mark.parametrize(
	("number", "kwargs", "expected"),
	[
		("13800138000", {}, "13800138000"),
		("138 0013 8000", {"outside_line_prefix": "9"}, "913800138000"),
		("+86 138 0013 8000", {"outside_line_prefix": "9,"}, "9,13800138000"),
		("010-88888888", {"local_area_code": "010"}, "88888888"),  # local call: no area code
		("01088888888", {"local_area_code": "021"}, "01088888888"),  # long distance: trunk 0 + area
		("88888888", {"local_area_code": "010"}, "88888888"),
		("075588888888", {}, "075588888888"),
		("95588", {"outside_line_prefix": "0"}, "095588"),  # service number as is
		("+85221234567", {}, "0085221234567"),  # abroad: international prefix
		("010-88888888转123", {"local_area_code": "010"}, "88888888"),  # extension is not dialled
	],
)
def test_dial_string(number, kwargs, expected):
	assert dial_string(number, **kwargs) == expected


@pytest.mark.parametrize(("number", "prefix"), [("", ""), ("abc", ""), ("13800138000", "9;ATH")])
def test_not_dialable(number, prefix):
	with pytest.raises(NotDialable):
		dial_string(number, outside_line_prefix=prefix)


def test_number_info_region_and_carrier_from_offline_data():
	mobile = number_info("13800138000")
	assert (mobile.key, mobile.number_type, mobile.region, mobile.carrier) == (
		"+8613800138000",
		"Mobile",
		"北京市",
		"中国移动",
	)
	landline = number_info("0755-88888888")
	assert (landline.region, landline.area_code, landline.carrier) == ("广东省深圳市", "0755", "")
	assert number_info("12345").number_type == "Service"
	assert number_info("88888888", local_area_code="021").area_code == "021"


def test_local_number_candidates():
	assert local_number_candidates("8888-8888", ["010", "0755", ""]) == ["+861088888888", "+8675588888888"]
	for not_local in ("13800138000", "01088888888", "+8688888888", "12345", "123456789"):
		assert local_number_candidates(not_local, ["010"]) == [], not_local


def test_sms_render_fills_placeholders_and_signs():
	text = render_sms(
		"{customer_name}您好，我是{salesperson_name}。{unknown}",
		{"customer_name": "华联", "salesperson_name": "张三"},
		"【某公司】",
	)
	assert text == "【某公司】华联您好，我是张三。"
	assert placeholders("{a} {b} {a}") == ["a", "b"]
	assert sms_parts("好" * 70) == 1 and sms_parts("好" * 71) == 2 and sms_parts("好" * 135) == 3
	with pytest.raises(SmsTooLong):
		render_sms("x" * 501, {})
