"""Amounts in capital numerals (大写金额) and the order arithmetic (SPEC SALE-04, SALE-07) on plain values."""

from decimal import Decimal
from itertools import pairwise

import pytest
from crm_suite.policies.amount_words import amount_in_words, to_fen
from crm_suite.policies.order_math import (
	DISCOUNT_OUT_OF_RANGE,
	FULLY_DELIVERED,
	NOT_A_NUMBER,
	NOT_DELIVERED,
	PARTLY_DELIVERED,
	PRICE_NEGATIVE,
	QTY_NOT_POSITIVE,
	TAX_OUT_OF_RANGE,
	below_floor,
	dec,
	line_amounts,
	line_problem,
	shipment_status,
	stock_take_difference,
	totals,
)
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
	("amount", "words"),
	[
		(0, "零元整"),
		("0.00", "零元整"),
		(1, "壹元整"),
		(10, "壹拾元整"),
		(11, "壹拾壹元整"),
		(100, "壹佰元整"),
		(101, "壹佰零壹元整"),
		(110, "壹佰壹拾元整"),
		(1010, "壹仟零壹拾元整"),
		(1001, "壹仟零壹元整"),
		(10000, "壹万元整"),
		(10001, "壹万零壹元整"),
		(10010, "壹万零壹拾元整"),
		(11000, "壹万壹仟元整"),
		(100010, "壹拾万零壹拾元整"),
		(1000000, "壹佰万元整"),
		(1001000, "壹佰万壹仟元整"),
		(1000100, "壹佰万零壹佰元整"),
		(100000001, "壹亿零壹元整"),
		(100010000, "壹亿零壹万元整"),
		(110000000, "壹亿壹仟万元整"),
		(10000000000, "壹佰亿元整"),
		(1000000000000, "壹万亿元整"),
		(1000000010000, "壹万亿零壹万元整"),
		(10000000000000, "壹拾万亿元整"),
		("9999999999999999.99", "玖仟玖佰玖拾玖万亿玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
		("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
		("12345.60", "壹万贰仟叁佰肆拾伍元陆角整"),
		("0.05", "伍分"),
		("0.5", "伍角整"),
		("0.55", "伍角伍分"),
		("1.05", "壹元零伍分"),
		("10.05", "壹拾元零伍分"),
		("1680.32", "壹仟陆佰捌拾元叁角贰分"),
		("-12345.67", "负壹万贰仟叁佰肆拾伍元陆角柒分"),
		("-0.05", "负伍分"),
		(Decimal("3000.10"), "叁仟元壹角整"),
		(0.1 + 0.2, "叁角整"),
	],
)
def test_amount_in_words(amount, words):
	assert amount_in_words(amount) == words


@pytest.mark.parametrize(
	("amount", "words"),
	[
		("0.004", "零元整"),
		("0.005", "壹分"),
		("1.995", "贰元整"),
		("-0.005", "负壹分"),
		("2.675", "贰元陆角捌分"),  # a float 2.675 is 2.67499…; as text it rounds half up
		(2.675, "贰元陆角捌分"),
		("99999.999", "壹拾万元整"),
	],
)
def test_amount_in_words_rounds_half_up_to_the_fen(amount, words):
	assert amount_in_words(amount) == words


@pytest.mark.parametrize("bad", ["", "abc", None, "nan", "inf", float("nan"), [], "1e16", 10**16, -(10**16)])
def test_amount_in_words_refuses_what_is_not_a_printable_amount(bad):
	with pytest.raises(ValueError):
		amount_in_words(bad)


def test_currency_word_can_change():
	assert amount_in_words(5, currency_word="圆") == "伍圆整"


DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}


def parse_words(words: str) -> Decimal:
	"""An independent reader of capital numerals, to check the writer over many values."""
	sign = -1 if words.startswith("负") else 1
	words = words.removeprefix("负").removesuffix("整")
	yuan_part, _, rest = words.partition("元") if "元" in words else ("", "", words)
	total, section, number = 0, 0, 0
	for ch in yuan_part:
		if ch in DIGIT:
			number = DIGIT[ch]
		elif ch in "拾佰仟":
			section += number * {"拾": 10, "佰": 100, "仟": 1000}[ch]
			number = 0
		elif ch == "万":
			section += number
			total += section * 10**4
			section, number = 0, 0
		elif ch == "亿":
			section += number
			total = (total + section) * 10**8
			section, number = 0, 0
	total += section + number
	fen = 0
	for a, b in pairwise(rest):
		if b == "角":
			fen += DIGIT[a] * 10
		if b == "分":
			fen += DIGIT[a]
	return sign * (Decimal(total) + Decimal(fen) / 100)


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=0, max_value=99))
def test_words_read_back_to_the_amount(yuan, fen):
	amount = Decimal(yuan) + (Decimal(fen) / 100 if yuan >= 0 else -Decimal(fen) / 100)
	words = amount_in_words(amount)
	assert parse_words(words) == amount
	assert "零零" not in words
	assert not words.removesuffix("整").endswith("零")
	assert words.endswith("整") == (amount.quantize(Decimal("0.01")) % Decimal("0.1") == 0)


def test_to_fen():
	assert to_fen("1.005") == Decimal("1.01")
	assert to_fen(Decimal("-1.005")) == Decimal("-1.01")


# --- order arithmetic


def test_line_amounts_discount_then_tax():
	line = line_amounts(qty=3, price="199.99", discount_percent=10, tax_rate=13)
	assert line.gross == Decimal("599.97")
	assert line.discount == Decimal("60.00")
	assert line.amount == Decimal("539.97")
	assert line.tax == Decimal("70.20")
	assert line.total == Decimal("610.17")


def test_float_inputs_do_not_drift():
	line = line_amounts(qty=0.1, price=0.2, discount_percent=0, tax_rate=0, precision=4)
	assert line.gross == Decimal("0.0200")
	assert sum((line_amounts(1, 0.1, 0, 0).total for _ in range(10)), Decimal(0)) == Decimal("1.00")


def test_rounding_is_half_up_at_the_precision():
	assert line_amounts(1, "0.125", 0, 0).gross == Decimal("0.13")
	assert line_amounts(1, "0.125", 0, 0, precision=0).gross == Decimal("0")
	assert line_amounts(1, "10.00", 0, "6.5").tax == Decimal("0.65")
	assert line_amounts(1, "1.05", 50, 0).discount == Decimal("0.53")


def test_totals_are_sums_of_rounded_lines():
	lines = [
		(q, line_amounts(q, p, d, t))
		for q, p, d, t in [(1, "0.333", 0, 13), (2, "0.333", 0, 13), (5, "100", 5, 0)]
	]
	result = totals(lines)
	assert result.total_qty == 8
	assert result.net_total == sum(line.amount for _, line in lines)
	assert result.tax_total == sum(line.tax for _, line in lines)
	assert result.grand_total == result.net_total + result.tax_total
	assert result.gross_total - result.discount_total == result.net_total


def test_totals_of_nothing_are_zero():
	assert totals([]).grand_total == 0


@given(
	st.lists(
		st.tuples(
			st.decimals(min_value="0.001", max_value="100000", places=3),
			st.decimals(min_value=0, max_value="1000000", places=2),
			st.decimals(min_value=0, max_value=100, places=2),
			st.sampled_from([0, 3, 6, 9, 13]),
		),
		max_size=20,
	)
)
def test_totals_add_up_for_any_lines(rows):
	lines = [(q, line_amounts(q, p, d, t)) for q, p, d, t in rows]
	result = totals(lines)
	assert result.grand_total == sum((line.total for _, line in lines), Decimal(0))
	for _, line in lines:
		assert line.amount >= 0 and line.discount <= line.gross
		assert line.total == line.amount + line.tax
		assert line.total.as_tuple().exponent == -2


@pytest.mark.parametrize(
	("qty", "price", "discount", "tax", "problem"),
	[
		(1, 10, 0, 13, None),
		(0, 10, 0, 0, QTY_NOT_POSITIVE),
		(-1, 10, 0, 0, QTY_NOT_POSITIVE),
		(1, -0.01, 0, 0, PRICE_NEGATIVE),
		(1, 10, -1, 0, DISCOUNT_OUT_OF_RANGE),
		(1, 10, 100.01, 0, DISCOUNT_OUT_OF_RANGE),
		(1, 10, 100, 0, None),
		(1, 10, 0, -1, TAX_OUT_OF_RANGE),
		(1, 10, 0, 101, TAX_OUT_OF_RANGE),
		("x", 10, 0, 0, NOT_A_NUMBER),
		(1, "nan", 0, 0, NOT_A_NUMBER),
		(1, "inf", 0, 0, NOT_A_NUMBER),
		(None, 10, 0, 0, QTY_NOT_POSITIVE),
	],
)
def test_line_problem(qty, price, discount, tax, problem):
	assert line_problem(qty, price, discount, tax) == problem


@pytest.mark.parametrize(
	("price", "discount", "floor", "below"),
	[
		(100, 0, 90, False),
		(100, 10, 90, False),
		(100, 10.01, 90, True),
		(89.99, 0, 90, True),
		(1, 99, 0, False),
		(1, 0, None, False),
	],
)
def test_below_floor(price, discount, floor, below):
	assert below_floor(price, discount, floor) is below


@pytest.mark.parametrize(
	("lines", "status"),
	[
		([], NOT_DELIVERED),
		([(5, 0), (3, 0)], NOT_DELIVERED),
		([(5, 2), (3, 0)], PARTLY_DELIVERED),
		([(5, 5), (3, 0)], PARTLY_DELIVERED),
		([(5, 5), (3, 3)], FULLY_DELIVERED),
		([(5, 6), (3, 3)], FULLY_DELIVERED),
		([(0.5, 0.5)], FULLY_DELIVERED),
	],
)
def test_shipment_status(lines, status):
	assert shipment_status(lines) == status


def test_stock_take_posts_the_difference():
	assert stock_take_difference(7, 10) == -3
	assert stock_take_difference("12.5", 10) == Decimal("2.5")
	assert stock_take_difference(0, 0) == 0


def test_dec():
	assert dec(None) == 0 and dec("") == 0 and dec(0.1) == Decimal("0.1")
	with pytest.raises(ValueError):
		dec("abc")
