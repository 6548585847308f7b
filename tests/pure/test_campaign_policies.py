"""Campaign results arithmetic (SPEC MKT-01): goal attainment per metric, budget left and overspent, return
on spend and cost per lead — from counts and sums, never typed in."""

import pytest
from crm_suite.policies import campaign as c
from hypothesis import given
from hypothesis import strategies as st


def results(**values) -> dict:
	return {**c.empty_results(), **values}


@pytest.mark.parametrize(
	"metric, target, figures, percent, reached",
	[
		("Leads", 10, {"leads": 5}, 50.0, False),
		("Customers", 2, {"customers": 3}, 150.0, True),
		("Opportunities", 4, {"opportunities": 4}, 100.0, True),
		("Won Opportunities", 3, {"won_opportunities": 1}, 33.3, False),
		("Won Amount", 100000, {"won_amount": 25000.5}, 25.0, False),
		("Order Amount", 0, {"order_amount": 10}, None, True),
		("Order Amount", 500, {}, 0.0, False),
	],
)
def test_goal_progress_reads_the_metric_s_result(metric, target, figures, percent, reached):
	progress = c.goal_progress(metric, target, results(**figures))
	assert (progress.percent, progress.reached) == (percent, reached)
	assert progress.actual == float(figures.get(c.METRIC_RESULT[metric], 0))


def test_an_unknown_metric_is_refused():
	with pytest.raises(c.UnknownMetric):
		c.goal_progress("Likes", 1, results())


def test_every_metric_has_a_result_key():
	assert set(c.METRIC_RESULT.values()) <= set(c.RESULT_KEYS)


@pytest.mark.parametrize(
	"budget, spent, revenue, remaining, used, overspent, ratio",
	[
		(1000, 300, 6000, 700, 30.0, False, 20.0),
		(1000, 1500, 0, -500, 150.0, True, 0.0),
		(0, 200, 100, -200, None, False, 0.5),
		(500, 0, 1000, 500, 0.0, False, None),
		(None, None, None, 0, None, False, None),
	],
)
def test_budget_summary(budget, spent, revenue, remaining, used, overspent, ratio):
	money = c.budget_summary(budget, spent, revenue)
	assert (money["remaining"], money["used_percent"], money["overspent"], money["return_ratio"]) == (
		remaining, used, overspent, ratio,
	)  # fmt: skip


@given(st.floats(0, 1e9), st.integers(0, 10**6))
def test_cost_per_is_spent_over_count_or_none(spent, count):
	value = c.cost_per(spent, count)
	if count == 0:
		assert value is None
	else:
		assert value == pytest.approx(spent / count, abs=0.01)
