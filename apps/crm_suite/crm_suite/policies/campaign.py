"""Campaign results arithmetic (SPEC MKT-01): goal attainment, budget use and return on the campaign's
cost, from counts and sums the service reads live from the documents carrying the campaign. No frappe
import: tested with plain pytest."""

from dataclasses import dataclass

# Goal metric → the result it is measured by.
METRIC_RESULT = {
	"Leads": "leads",
	"Customers": "customers",
	"Opportunities": "opportunities",
	"Won Opportunities": "won_opportunities",
	"Won Amount": "won_amount",
	"Order Amount": "order_amount",
}
RESULT_KEYS = (
	"leads",
	"converted_leads",
	"customers",
	"deal_customers",
	"target_customers",
	"opportunities",
	"won_opportunities",
	"won_amount",
	"orders",
	"order_amount",
	"expense_amount",
)


class UnknownMetric(ValueError):
	pass


@dataclass(frozen=True)
class GoalProgress:
	metric: str
	target: float
	actual: float
	percent: float | None  # None when the target is 0: nothing to reach
	reached: bool


def empty_results() -> dict[str, float]:
	return {key: 0 for key in RESULT_KEYS}


def goal_progress(metric: str, target: float, results: dict) -> GoalProgress:
	"""How far `results` are towards one goal."""
	if metric not in METRIC_RESULT:
		raise UnknownMetric(metric)
	actual = float(results.get(METRIC_RESULT[metric]) or 0)
	target = float(target or 0)
	percent = round(actual * 100 / target, 1) if target > 0 else None
	return GoalProgress(metric, target, actual, percent, actual >= target)


def budget_summary(budget: float, spent: float, revenue: float) -> dict:
	"""Budget left (negative when overspent), share used, and the return: order revenue per unit spent."""
	budget, spent, revenue = float(budget or 0), float(spent or 0), float(revenue or 0)
	return {
		"budget": budget,
		"spent": spent,
		"remaining": budget - spent,
		"used_percent": round(spent * 100 / budget, 1) if budget > 0 else None,
		"overspent": budget > 0 and spent > budget,
		"return_ratio": round(revenue / spent, 2) if spent > 0 else None,
	}


def cost_per(spent: float, count: float) -> float | None:
	"""Spent per lead / customer / deal; None when there is none."""
	count = float(count or 0)
	return round(float(spent or 0) / count, 2) if count > 0 else None
