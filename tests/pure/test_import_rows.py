"""Pure checks of customer import rows (SPEC CUS-07) and the cached pinyin keys used by imports."""

from datetime import date, datetime

import pytest
from crm_suite.demo.generator import customer_rows
from crm_suite.policies import import_rows as ir
from crm_suite.policies.pinyin import SegmentPinyin, pinyin_keys

COLUMNS = [
	ir.ColumnSpec("customer_name", "Data", max_length=140),
	ir.ColumnSpec("mobile_no", "Data", is_phone=True, max_length=140),
	ir.ColumnSpec("email", "Data", is_email=True, max_length=140),
	ir.ColumnSpec("stars", "Rating"),
	ir.ColumnSpec("is_target", "Check"),
	ir.ColumnSpec("employee_count", "Int"),
	ir.ColumnSpec("customer_value", "Currency"),
	ir.ColumnSpec("deal_on", "Date"),
	ir.ColumnSpec("credit_rating", "Select", choices={"A": "A", "B": "B", "甲": "A"}),
	None,  # a column the import ignores
]


def check(*cells, required=("customer_name",)):
	return ir.RowChecker(COLUMNS, required).check(3, cells)


def test_a_good_row_converts_every_type_and_gets_search_keys():
	row = check(
		"北京华联（集团）有限公司",
		13812345678,
		"a@b.cn",
		4,
		"是",
		"1,200",
		"¥3,000.50",
		"2026/03/01",
		"甲",
		"x",
	)
	assert row.ok, row.problems
	assert row.values == {
		"customer_name": "北京华联（集团）有限公司",
		"mobile_no": "13812345678",
		"email": "a@b.cn",
		"stars": 0.8,
		"is_target": 1,
		"employee_count": 1200,
		"customer_value": 3000.5,
		"deal_on": date(2026, 3, 1),
		"credit_rating": "A",
	}
	assert row.name_key == "北京华联"
	assert row.name_pinyin == pinyin_keys("北京华联（集团）有限公司")
	assert [(f, p.key) for f, p in row.phones] == [("mobile_no", "+8613812345678")]


@pytest.mark.parametrize(
	"position, value, code",
	[
		(1, "1381234567", ir.INVALID_PHONE),
		(1, "no digits", ir.INVALID_PHONE),
		(2, "not-an-email", ir.INVALID_EMAIL),
		(3, 9, ir.INVALID_NUMBER),
		(4, "maybe", ir.INVALID_CHECK),
		(5, "1.5", ir.INVALID_NUMBER),
		(6, "lots", ir.INVALID_NUMBER),
		(7, "31/02/2026", ir.INVALID_DATE),
		(8, "Z", ir.INVALID_OPTION),
		(0, "长" * 141, ir.TOO_LONG),
	],
)
def test_bad_cells_are_reported_with_their_column(position, value, code):
	cells = ["某某有限公司", None, None, None, None, None, None, None, None, None]
	cells[position] = value
	row = check(*cells)
	assert not row.ok
	assert [(p[0], p[1]) for p in row.problems] == [(COLUMNS[position].fieldname, code)]


def test_missing_required_values_are_reported_once():
	row = check(None, "13812345678", required=("customer_name", "email"))
	assert sorted(p[:2] for p in row.problems) == [("customer_name", ir.REQUIRED), ("email", ir.REQUIRED)]
	assert row.name_key == ""


def test_required_fields_without_a_column_are_left_to_the_caller():
	checker = ir.RowChecker(COLUMNS[:1], ("customer_name", "website"))
	assert checker.required == ("customer_name",)


def test_datetime_cells_and_blank_rows():
	spec = ir.ColumnSpec("claimed_on", "Datetime")
	assert ir.convert_cell(spec, datetime(2026, 1, 2, 3, 4)) == (datetime(2026, 1, 2, 3, 4), None)
	assert ir.convert_cell(spec, "2026-01-02 03:04") == (datetime(2026, 1, 2, 3, 4), None)
	assert ir.is_blank((None, " ", ""))
	assert not ir.is_blank((None, 0))


@pytest.mark.parametrize(
	"value, text", [(13812345678.0, "13812345678"), (True, "1"), ("  a ", "a"), ("", None)]
)
def test_cells_read_as_text_lose_excel_noise(value, text):
	assert ir.as_text(value) == text


def test_segment_pinyin_equals_pinyin_keys():
	names = [r["customer_name"] for r in customer_rows(3000, seed=5)]
	names += ["重庆银行股份有限公司", "ABC公司", "长沙长城行", "Apple 中国 Co. Ltd.", "乐山乐器", ""]
	cached = SegmentPinyin()
	assert [cached.keys(n) for n in names] == [pinyin_keys(n) for n in names]
	assert len(cached.words) < len(names), "words repeat across company names and are cached"
