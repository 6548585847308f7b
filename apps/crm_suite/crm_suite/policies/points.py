"""Loyalty points arithmetic (SPEC SALE-08), pure: which rule applies to an order line, how many points a
line earns, how many a refund takes back, how many expire. No frappe import; services/loyalty.py passes
plain values in and writes what comes out.

Points are whole numbers. A line earns `rate` points per unit of its qty (basis "Per Unit") or per unit of
currency of its net amount (basis "Per Amount", e.g. 0.01 = one point per 100 yuan), rounded down: the
customer is never given a fraction the ledger cannot hold.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from crm_suite.policies.order_math import dec

PER_UNIT = "Per Unit"
PER_AMOUNT = "Per Amount"
BASES = (PER_UNIT, PER_AMOUNT)


@dataclass(frozen=True)
class Rule:
	product: str
	unit: str | None  # None or "": any unit of the product
	customer_kind: str | None  # None or "": any customer type
	basis: str
	rate: object


def whole(value) -> int:
	"""Points as a whole number, rounded towards zero."""
	return int(dec(value).to_integral_value(rounding=ROUND_DOWN))


def rule_key(product: str, unit: str | None, customer_kind: str | None) -> str:
	"""The unique key of a rule: one rule per product × unit × customer type (blank = any)."""
	return "\x1f".join((product or "", unit or "", customer_kind or ""))


def pick_rule(
	rules: Iterable[Rule], product: str, unit: str | None, customer_kind: str | None
) -> Rule | None:
	"""The most specific rule for a line: product × unit × type, then product × unit, then product × type,
	then the product's rule for any unit and type."""
	best, best_rank = None, -1
	for rule in rules:
		if rule.product != product:
			continue
		if rule.unit and rule.unit != unit:
			continue
		if rule.customer_kind and rule.customer_kind != customer_kind:
			continue
		rank = (2 if rule.unit else 0) + (1 if rule.customer_kind else 0)
		if rank > best_rank:
			best, best_rank = rule, rank
	return best


def line_points(rule: Rule | None, qty, amount) -> int:
	"""Points a line earns under a rule (0 without one, or for a negative rate)."""
	if rule is None:
		return 0
	rate = dec(rule.rate)
	if rate <= 0:
		return 0
	base = dec(qty) if rule.basis == PER_UNIT else dec(amount)
	return max(0, whole(base * rate))


def refund_reversal(accrued: int, reversed_by_refunds: int, refunded_total, grand_total) -> int:
	"""Points (≥ 0) a refund takes back now: the order's accrual in proportion to everything refunded so far,
	less what earlier refunds took back, never more than is left of the accrual. `accrued` is the order's
	accrual, `reversed_by_refunds` what refunds took back already (≥ 0)."""
	accrued, done = max(0, int(accrued)), max(0, int(reversed_by_refunds))
	total, refunded = dec(grand_total), max(dec(refunded_total), Decimal(0))
	if accrued <= 0 or total <= 0:
		return 0
	target = accrued if refunded >= total else whole(Decimal(accrued) * refunded / total)
	return max(0, min(target - done, accrued - done))


def points_to_expire(expired_accruals: int, consumed: int, already_expired: int) -> int:
	"""First in, first out: redemptions spend the oldest points first, and the oldest expire first. What is
	left unspent of the accruals past their expiry date, less what earlier runs expired, expires now (≥ 0).
	`consumed` is the net points redeemed (≥ 0), `already_expired` the points earlier runs expired (≥ 0)."""
	return max(0, int(expired_accruals) - max(0, int(consumed)) - max(0, int(already_expired)))


def can_spend(balance: int, points: int) -> bool:
	return int(points) > 0 and int(balance) - int(points) >= 0
