"""Receivables ageing (SPEC RPT-08): FIFO settlement of a customer's ledger and the age buckets."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from crm_suite.policies.ageing import BOUNDS, age, bucket_index, bucket_labels
from hypothesis import given
from hypothesis import strategies as st

AS_OF = date(2026, 12, 31)


def days_ago(n: int) -> date:
	return AS_OF - timedelta(days=n)


@pytest.mark.parametrize(
	"days, bucket",
	[(-5, 0), (0, 0), (30, 0), (31, 1), (60, 1), (61, 2), (90, 2), (91, 3), (180, 3), (181, 4)],
)
def test_bucket_bounds_are_inclusive(days, bucket):
	assert bucket_index(days) == bucket


def test_bucket_labels_follow_the_bounds():
	assert bucket_labels() == [(0, 30), (31, 60), (61, 90), (91, 180), (181, None)]


def test_payments_settle_the_oldest_debt_first():
	ageing = age([(days_ago(100), 500), (days_ago(10), 300), (days_ago(5), -600)], AS_OF)
	# 600 paid: the 100-day-old 500 in full, then 100 of the 10-day-old 300
	assert ageing.buckets == (Decimal(200), 0, 0, 0, 0)
	assert ageing.outstanding == 200 and ageing.credit == 0


def test_an_unpaid_debt_ages_into_its_bucket():
	ageing = age([(days_ago(45), "120.50"), (days_ago(200), 80)], AS_OF)
	assert ageing.buckets == (0, Decimal("120.50"), 0, 0, Decimal(80))


def test_overpayment_is_a_credit_not_a_negative_bucket():
	ageing = age([(days_ago(20), 100), (days_ago(1), -150)], AS_OF)
	assert ageing.buckets == (0, 0, 0, 0, 0)
	assert ageing.credit == 50


def test_a_cancelled_order_leaves_nothing():
	assert age([(days_ago(70), 400), (days_ago(3), -400)], AS_OF).outstanding == 0


entries = st.lists(
	st.tuples(
		st.integers(min_value=-30, max_value=400).map(days_ago),
		st.decimals(min_value=-10000, max_value=10000, places=2, allow_nan=False, allow_infinity=False),
	),
	max_size=30,
)


@given(entries)
def test_outstanding_minus_credit_is_the_balance(rows):
	ageing = age(rows, AS_OF)
	assert ageing.outstanding - ageing.credit == sum((Decimal(a) for _d, a in rows), Decimal(0))
	assert all(b >= 0 for b in ageing.buckets) and ageing.credit >= 0
	assert len(ageing.buckets) == len(BOUNDS) + 1
	# a balance is either owed or a credit, never both
	assert ageing.outstanding == 0 or ageing.credit == 0


@given(entries)
def test_the_order_of_the_entries_does_not_matter(rows):
	assert age(rows, AS_OF) == age(list(reversed(rows)), AS_OF)
