"""Money rules of contracts, payment plans, payments received (回款) and refunds (SPEC SALE-05, SALE-06) on
Decimals. No frappe import: services pass plain values in and store what comes out.

Sign convention of the receivable ledger: an entry's amount is what the customer owes *more* after it.
A confirmed order or an approved contract posts +total, a payment received −amount, a refund +amount
(money given back is owed to us no longer… so the customer's debt rises again by it), and a cancellation
posts the exact opposite of the voucher's entries. A balance is always the plain sum of its entries.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from crm_suite.policies.order_math import ZERO, dec, round_to

# Ledger entry types.
ORDER = "Order"
CONTRACT = "Contract"
PAYMENT = "Payment"
REFUND = "Refund"

# Payment status of an order.
UNPAID = "Unpaid"
PARTLY_PAID = "Partly Paid"
PAID = "Paid"
REFUNDED = "Refunded"

# Instalment status.
OVERDUE = "Overdue"

# Why a plan, a payment or a refund is refused (services turn these into translated messages).
NOT_POSITIVE = "not_positive"
NO_INSTALMENTS = "no_instalments"
PLAN_OVER_TOTAL = "plan_over_total"
OVER_RECEIVABLE = "over_receivable"
OVER_REFUNDABLE = "over_refundable"


def signed_amount(entry_type: str, amount) -> Decimal:
	"""The ledger amount of a voucher's entry (before any reversal)."""
	amount = dec(amount)
	if entry_type in (ORDER, CONTRACT, REFUND):
		return amount
	if entry_type == PAYMENT:
		return -amount
	raise ValueError(f"unknown entry type {entry_type!r}")


@dataclass(frozen=True)
class BalanceChange:
	"""What one ledger entry adds to a balance row's columns."""

	receivable: Decimal
	collected: Decimal
	refunded: Decimal
	balance: Decimal


def balance_change(entry_type: str, ledger_amount) -> BalanceChange:
	"""The columns of a balance row moved by an entry of `ledger_amount` (signed, reversals included):
	balance = receivable − collected + refunded, always."""
	amount = dec(ledger_amount)
	receivable = amount if entry_type in (ORDER, CONTRACT) else ZERO
	collected = -amount if entry_type == PAYMENT else ZERO
	refunded = amount if entry_type == REFUND else ZERO
	return BalanceChange(receivable, collected, refunded, amount)


def payment_status(total, collected, refunded) -> str:
	"""An order's payment status from its total and the payments and refunds against it."""
	total, collected, refunded = dec(total), dec(collected), dec(refunded)
	net = collected - refunded
	if refunded > 0 and net <= 0:
		return REFUNDED
	if net <= 0:
		return UNPAID
	if net < total:
		return PARTLY_PAID
	return PAID


def instalment_status(amount, paid, past_due: bool) -> str:
	amount, paid = dec(amount), dec(paid)
	if paid >= amount:
		return PAID
	if past_due:
		return OVERDUE
	return PARTLY_PAID if paid > 0 else UNPAID


def plan_problem(amounts: Iterable, document_total) -> str | None:
	"""Instalments are positive and add up to no more than the document's total."""
	amounts = [dec(a) for a in amounts]
	if not amounts:
		return NO_INSTALMENTS
	if any(a <= 0 for a in amounts):
		return NOT_POSITIVE
	if sum(amounts, ZERO) > dec(document_total):
		return PLAN_OVER_TOTAL
	return None


def payment_problem(amount, open_receivable, is_advance: bool = False) -> str | None:
	"""A payment is positive and, unless recorded as an advance (against the customer only), no larger than
	what is still receivable on its order or contract."""
	amount = dec(amount)
	if amount <= 0:
		return NOT_POSITIVE
	if not is_advance and amount > dec(open_receivable):
		return OVER_RECEIVABLE
	return None


def refund_problem(amount, collected, refunded) -> str | None:
	"""A refund is positive and no larger than what was collected and not yet refunded."""
	amount = dec(amount)
	if amount <= 0:
		return NOT_POSITIVE
	if amount > dec(collected) - dec(refunded):
		return OVER_REFUNDABLE
	return None


def needs_admin_approval(amount, threshold) -> bool:
	"""A contract above the threshold is approved by a CRM Admin; up to it, by a manager."""
	return dec(amount) > dec(threshold)


def collection_rate(due, collected) -> Decimal | None:
	"""Collected over due, in percent rounded to 0.1 (None when nothing was due)."""
	due = dec(due)
	if due <= 0:
		return None
	return round_to(dec(collected) * 100 / due, 1)


def contract_total(
	lines: Iterable[tuple[object, object]], precision: int = 2
) -> tuple[list[Decimal], Decimal]:
	"""(qty, price) lines → each line's amount and their sum, rounded half up at the precision."""
	amounts = [round_to(dec(qty) * dec(price), precision) for qty, price in lines]
	return amounts, sum(amounts, ZERO)
