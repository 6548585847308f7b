"""Receivables ageing (SPEC RPT-08) from a customer's receivable ledger, on Decimals. No frappe import.

A customer's ledger amounts are signed (policies/receivables.py): what raises the debt (orders, contracts,
refunds, reversed payments) and what lowers it (payments, cancellations). What lowers it settles the oldest
debt first (FIFO); what is left of each debt is aged by the days from its posting date to the as-of date.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from crm_suite.policies.order_math import ZERO, dec

# upper bounds (days, inclusive) of the ageing buckets; the last bucket is "over the last bound"
BOUNDS = (30, 60, 90, 180)


@dataclass(frozen=True)
class Ageing:
	buckets: tuple[Decimal, ...]  # outstanding per bucket, youngest first (len(bounds) + 1)
	credit: Decimal  # paid beyond every debt (a credit balance), never negative

	@property
	def outstanding(self) -> Decimal:
		return sum(self.buckets, ZERO)


def bucket_index(days: int, bounds: tuple[int, ...] = BOUNDS) -> int:
	"""The bucket of a debt `days` old (a future-dated one is the youngest)."""
	for i, bound in enumerate(bounds):
		if days <= bound:
			return i
	return len(bounds)


def bucket_labels(bounds: tuple[int, ...] = BOUNDS) -> list[tuple[int, int | None]]:
	"""(first day, last day or None) of each bucket."""
	starts = (0, *(b + 1 for b in bounds))
	return [(start, bounds[i] if i < len(bounds) else None) for i, start in enumerate(starts)]


def age(entries: Iterable[tuple[date, object]], as_of: date, bounds: tuple[int, ...] = BOUNDS) -> Ageing:
	"""Ageing of one customer's ledger `entries` (posting date, signed amount) as of a date."""
	debits: list[tuple[date, Decimal]] = []
	credit = ZERO
	for posted, amount in entries:
		amount = dec(amount)
		if amount > 0:
			debits.append((posted, amount))
		else:
			credit -= amount
	buckets = [ZERO] * (len(bounds) + 1)
	for posted, amount in sorted(debits, key=lambda d: d[0]):
		settled = min(amount, credit)
		credit -= settled
		if amount > settled:
			buckets[bucket_index((as_of - posted).days, bounds)] += amount - settled
	return Ageing(tuple(buckets), credit)
