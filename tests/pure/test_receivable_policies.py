"""Money rules of contracts, payment plans, payments and refunds (SPEC SALE-05, SALE-06) on plain values."""

from decimal import Decimal

import pytest
from crm_suite.policies.receivables import (
	CONTRACT,
	NO_INSTALMENTS,
	NOT_POSITIVE,
	ORDER,
	OVER_RECEIVABLE,
	OVER_REFUNDABLE,
	OVERDUE,
	PAID,
	PARTLY_PAID,
	PAYMENT,
	PLAN_OVER_TOTAL,
	REFUND,
	REFUNDED,
	UNPAID,
	balance_change,
	collection_rate,
	contract_total,
	instalment_status,
	needs_admin_approval,
	payment_problem,
	payment_status,
	plan_problem,
	refund_problem,
	signed_amount,
)
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
	("total", "collected", "refunded", "status"),
	[
		(1000, 0, 0, UNPAID),
		(1000, 0.01, 0, PARTLY_PAID),
		(1000, 999.99, 0, PARTLY_PAID),
		(1000, 1000, 0, PAID),
		(1000, 1000, 400, PARTLY_PAID),
		(1000, 1000, 1000, REFUNDED),
		(1000, 300, 300, REFUNDED),
	],
)
def test_payment_status(total, collected, refunded, status):
	assert payment_status(total, collected, refunded) == status


@pytest.mark.parametrize(
	("amount", "paid", "past_due", "status"),
	[
		(100, 0, False, UNPAID),
		(100, 50, False, PARTLY_PAID),
		(100, 100, True, PAID),
		(100, 99, True, OVERDUE),
	],
)
def test_instalment_status(amount, paid, past_due, status):
	assert instalment_status(amount, paid, past_due) == status


def test_plans_add_up_to_no_more_than_the_total():
	assert plan_problem([], 100) == NO_INSTALMENTS
	assert plan_problem([50, 0], 100) == NOT_POSITIVE
	assert plan_problem([0.1] * 3, Decimal("0.3")) is None  # no float drift
	assert plan_problem([60, 40.01], 100) == PLAN_OVER_TOTAL


def test_payments_and_refunds_are_bounded():
	assert payment_problem(100, 100) is None
	assert payment_problem(100.01, 100) == OVER_RECEIVABLE
	assert payment_problem(500, 0, is_advance=True) is None
	assert payment_problem(0, 100) == NOT_POSITIVE
	assert refund_problem(40, 100, 60) is None
	assert refund_problem(40.01, 100, 60) == OVER_REFUNDABLE
	assert refund_problem(-1, 100, 0) == NOT_POSITIVE


def test_threshold_and_rate():
	assert not needs_admin_approval(100000, 100000)
	assert needs_admin_approval("100000.01", 100000)
	assert collection_rate(0, 10) is None
	assert collection_rate(3, 1) == Decimal("33.3")


def test_contract_lines_round_half_up():
	amounts, total = contract_total([(3, 1000), (0.5, 0.1), (1, "0.005")])
	assert amounts == [Decimal("3000.00"), Decimal("0.05"), Decimal("0.01")]
	assert total == Decimal("3000.06")


@given(
	st.lists(
		st.tuples(
			st.sampled_from([ORDER, CONTRACT, PAYMENT, REFUND]),
			st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
			st.booleans(),
		),
		max_size=50,
	)
)
def test_a_balance_is_receivable_minus_collected_plus_refunded(entries):
	receivable = collected = refunded = balance = Decimal(0)
	for entry_type, amount, reversed_ in entries:
		signed = signed_amount(entry_type, amount) * (-1 if reversed_ else 1)
		change = balance_change(entry_type, signed)
		receivable += change.receivable
		collected += change.collected
		refunded += change.refunded
		balance += change.balance
	assert balance == receivable - collected + refunded
