"""Loyalty points arithmetic (SPEC SALE-08): rule pick-up by specificity, whole points rounded down, refund
reversals in proportion and never above the accrual, FIFO expiry that never expires twice."""

import pytest
from crm_suite.policies import points as p
from hypothesis import given
from hypothesis import strategies as st

RULES = [
	p.Rule("P1", None, None, p.PER_UNIT, 1),
	p.Rule("P1", "箱", None, p.PER_UNIT, 10),
	p.Rule("P1", None, "VIP", p.PER_UNIT, 2),
	p.Rule("P1", "箱", "VIP", p.PER_UNIT, 20),
	p.Rule("P2", None, None, p.PER_AMOUNT, "0.01"),
]


@pytest.mark.parametrize(
	"product, unit, kind, rate",
	[
		("P1", "个", None, 1),
		("P1", "箱", None, 10),
		("P1", "个", "VIP", 2),
		("P1", "箱", "VIP", 20),
		("P1", "箱", "普通", 10),
		("P2", "个", "VIP", p.dec("0.01")),
	],
)
def test_the_most_specific_rule_wins(product, unit, kind, rate):
	assert p.dec(p.pick_rule(RULES, product, unit, kind).rate) == p.dec(rate)


def test_a_product_without_a_rule_earns_nothing():
	assert p.pick_rule(RULES, "P3", "个", None) is None
	assert p.line_points(None, 5, 500) == 0


def test_points_per_unit_and_per_amount_round_down():
	assert p.line_points(p.Rule("P", None, None, p.PER_UNIT, "1.5"), 3, 0) == 4
	assert p.line_points(p.Rule("P", None, None, p.PER_AMOUNT, "0.01"), 1, "1999.99") == 19
	assert p.line_points(p.Rule("P", None, None, p.PER_AMOUNT, "-1"), 1, 100) == 0


def test_rule_keys_differ_per_unit_and_type():
	assert len({p.rule_key("P", u, k) for u in (None, "箱") for k in (None, "VIP")}) == 4
	assert p.rule_key("P", None, None) == p.rule_key("P", "", "")


def test_refund_reversal_is_proportional_and_full_on_a_full_refund():
	assert p.refund_reversal(100, 0, 250, 1000) == 25
	assert p.refund_reversal(100, 25, 500, 1000) == 25  # 50 % refunded so far, 25 taken already
	assert p.refund_reversal(100, 50, 1000, 1000) == 50
	assert p.refund_reversal(100, 0, 5000, 1000) == 100
	assert p.refund_reversal(0, 0, 100, 1000) == 0
	assert p.refund_reversal(100, 0, 100, 0) == 0


@given(
	accrued=st.integers(0, 10**6),
	total=st.decimals(min_value=1, max_value=10**7, places=2),
	refunds=st.lists(st.decimals(min_value=0, max_value=10**6, places=2), max_size=8),
)
def test_refunds_never_take_back_more_than_was_accrued(accrued, total, refunds):
	taken, refunded = 0, p.dec(0)
	for amount in refunds:
		refunded += amount
		step = p.refund_reversal(accrued, taken, refunded, total)
		assert step >= 0
		taken += step
	assert taken <= accrued


def test_expiry_is_fifo_and_never_double():
	assert p.points_to_expire(100, 30, 0) == 70
	assert p.points_to_expire(100, 30, 70) == 0  # the second run
	assert p.points_to_expire(100, 150, 0) == 0
	assert p.points_to_expire(0, 0, 0) == 0


def test_can_spend_only_within_the_balance():
	assert p.can_spend(100, 100)
	assert not p.can_spend(99, 100)
	assert not p.can_spend(100, 0)
