"""Receivables (SPEC SALE-06): an append-only Receivable Ledger Entry per confirmation, payment, refund and
cancellation, and Receivable Balance rows (one per customer, one per order or contract) moved in the same
transaction, so that a balance is read by primary key however many payments a customer has.

Posting locks the balance rows it touches first, in one sorted order (`INSERT … ON DUPLICATE KEY UPDATE`
takes the row's exclusive lock, creating it when new; the `SELECT … FOR UPDATE` after it reads the latest
committed figures, not the transaction's snapshot), then decides (a payment may not exceed what is still
receivable on its order or contract; a refund may not exceed what was collected and not refunded), then
appends the entries and moves the balances. Two concurrent payments against one order queue on the order's
row: the second sees the first and is refused when it would over-collect.

Cancelling a voucher posts the opposite of its entries once (`reverse`): a second cancel finds the reversal
and does nothing. A payment larger than the receivable is refused; money received before anything is
receivable is recorded explicitly as an advance (`is_advance`), against the customer only: the customer's
balance goes below zero (a credit) and no order or contract row moves. `ledger_mismatches()` proves the
balance rows equal the ledger sums. Every posting also adds to the collection rollup (services/collection_rollup.py)
in the same transaction.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import flt, getdate, now_datetime, nowdate

from crm_suite.policies import receivables as rules
from crm_suite.policies.order_math import ZERO, dec
from crm_suite.services import collection_rollup

LEDGER = "Receivable Ledger Entry"
BALANCE = "Receivable Balance"
CUSTOMER = "Customer Account"
TARGET_DOCTYPES = ("Customer Order", "Sales Contract")
LEDGER_COLUMNS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"posting_date",
	"customer",
	"entry_type",
	"amount",
	"currency",
	"is_reversal",
	"against_doctype",
	"against_name",
	"voucher_type",
	"voucher_no",
	"salesperson",
	"sales_department",
)


class ReceivableExceededError(frappe.ValidationError):
	pass


class RefundExceededError(frappe.ValidationError):
	pass


@dataclass(frozen=True)
class Voucher:
	"""Who posts: the document and the fields every entry of it carries."""

	doctype: str
	name: str
	customer: str
	posting_date: object
	currency: str | None = None
	salesperson: str | None = None
	sales_department: str | None = None

	@classmethod
	def of(cls, doc, posting_date=None):
		return cls(
			doc.doctype,
			doc.name,
			doc.customer,
			posting_date or doc.get("posting_date") or nowdate(),
			doc.get("currency"),
			doc.get("salesperson"),
			doc.get("sales_department"),
		)


@dataclass(frozen=True)
class Entry:
	entry_type: str
	amount: Decimal  # signed: what the customer owes more
	against_doctype: str | None = None  # the order or contract, None for an advance
	against_name: str | None = None


@dataclass(frozen=True)
class Figures:
	receivable: Decimal
	collected: Decimal
	refunded: Decimal
	balance: Decimal


NO_FIGURES = Figures(ZERO, ZERO, ZERO, ZERO)


def balance_name(balance_of: str, name: str) -> str:
	"""The balance row's name, as the doctype's `format:{balance_of}-{balance_name}` makes it."""
	return f"{balance_of}-{name}"


def _keys(voucher: Voucher, entries: list[Entry]) -> list[tuple[str, str]]:
	keys = {(CUSTOMER, voucher.customer)}
	keys |= {(e.against_doctype, e.against_name) for e in entries if e.against_doctype}
	return sorted(keys)


def lock_balances(keys, customer: str, salesperson: str | None = None) -> dict[tuple[str, str], Figures]:
	"""Lock (creating when missing) the balance rows of (doctype, name) keys in sorted order; their figures."""
	keys = sorted(set(keys))
	if not keys:
		return {}
	now, user = now_datetime(), frappe.session.user
	for balance_of, name in keys:
		# one statement per row, in order: a multi-row insert could lock in the server's order instead
		frappe.db.sql(
			f"""insert into `tab{BALANCE}` (name, balance_of, balance_name, customer, salesperson,
				receivable_amount, collected_amount, refunded_amount, balance, creation, modified, owner, modified_by)
			values (%s, %s, %s, %s, %s, 0, 0, 0, 0, %s, %s, %s, %s)
			on duplicate key update name = name""",
			(balance_name(balance_of, name), balance_of, name, customer, salesperson, now, now, user, user),
		)
	table = frappe.qb.DocType(BALANCE)
	rows = (
		frappe.qb.from_(table)
		.select(
			table.balance_of,
			table.balance_name,
			table.receivable_amount,
			table.collected_amount,
			table.refunded_amount,
			table.balance,
		)
		.where(table.name.isin([balance_name(d, n) for d, n in keys]))
		.for_update()
		.run()
	)
	return {(d, n): Figures(dec(r), dec(c), dec(f), dec(b)) for d, n, r, c, f, b in rows}


def post(voucher: Voucher, entries: list[Entry], is_reversal: bool = False, balances=None):
	"""Append the entries and move the customer's and each order's / contract's balance row. Pass `balances`
	when the rows are locked already."""
	entries = [e for e in entries if dec(e.amount)]
	if not entries:
		return
	if balances is None:
		lock_balances(_keys(voucher, entries), voucher.customer, voucher.salesperson)
	now, user = now_datetime(), frappe.session.user
	frappe.db.bulk_insert(
		LEDGER,
		LEDGER_COLUMNS,
		[
			(
				frappe.generate_hash(length=12),
				now,
				now,
				user,
				user,
				voucher.posting_date,
				voucher.customer,
				e.entry_type,
				float(e.amount),
				voucher.currency,
				int(is_reversal),
				e.against_doctype,
				e.against_name,
				voucher.doctype,
				voucher.name,
				voucher.salesperson,
				voucher.sales_department,
			)
			for e in entries
		],
	)
	collection_rollup.add(voucher, entries)
	moves: dict[tuple[str, str], list] = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO])
	for e in entries:
		change = rules.balance_change(e.entry_type, e.amount)
		for key in {(CUSTOMER, voucher.customer), (e.against_doctype, e.against_name)}:
			if key[0]:
				m = moves[key]
				m[0] += change.receivable
				m[1] += change.collected
				m[2] += change.refunded
				m[3] += change.balance
	table = frappe.qb.DocType(BALANCE)
	for (balance_of, name), (receivable, collected, refunded, balance) in sorted(moves.items()):
		frappe.qb.update(table).set(table.receivable_amount, table.receivable_amount + float(receivable)).set(
			table.collected_amount, table.collected_amount + float(collected)
		).set(table.refunded_amount, table.refunded_amount + float(refunded)).set(
			table.balance, table.balance + float(balance)
		).set(table.modified, now).where(table.name == balance_name(balance_of, name)).run()


def reverse(doc, posting_date=None) -> bool:
	"""Post the opposite of a voucher's entries, once: a voucher already reversed is left alone."""
	ledger = frappe.qb.DocType(LEDGER)
	rows = (
		frappe.qb.from_(ledger)
		.select(
			ledger.entry_type, ledger.amount, ledger.against_doctype, ledger.against_name, ledger.is_reversal
		)
		.where((ledger.voucher_type == doc.doctype) & (ledger.voucher_no == doc.name))
		.run(as_dict=True)
	)
	if not rows or any(r.is_reversal for r in rows):
		return False
	voucher = Voucher.of(doc, posting_date=posting_date or nowdate())
	entries = [Entry(r.entry_type, -dec(r.amount), r.against_doctype, r.against_name) for r in rows]
	lock_balances(_keys(voucher, entries), voucher.customer, voucher.salesperson)
	post(voucher, entries, is_reversal=True, balances=True)
	return True


def figures(balance_of: str, name: str) -> Figures:
	"""A customer's, order's or contract's figures (no lock: for display and reports)."""
	table = frappe.qb.DocType(BALANCE)
	rows = (
		frappe.qb.from_(table)
		.select(table.receivable_amount, table.collected_amount, table.refunded_amount, table.balance)
		.where(table.name == balance_name(balance_of, name))
		.run()
	)
	return Figures(*(dec(v) for v in rows[0])) if rows else NO_FIGURES


def customer_balance(customer: str) -> Decimal:
	"""What the customer owes now (negative: a credit) — one primary-key read, however many payments."""
	table = frappe.qb.DocType(BALANCE)
	rows = (
		frappe.qb.from_(table)
		.select(table.balance)
		.where(table.name == balance_name(CUSTOMER, customer))
		.run()
	)
	return dec(rows[0][0]) if rows else ZERO


# --- confirmations -----------------------------------------------------------------------------------------


def confirm_order(order):
	"""An order's submit: the customer owes its grand total."""
	post(
		Voucher.of(order, posting_date=order.transaction_date),
		[Entry(rules.ORDER, rules.signed_amount(rules.ORDER, order.grand_total), order.doctype, order.name)],
	)


def confirm_contract(contract):
	"""An approved contract owes its amount, unless it covers an order (the order carries the receivable)."""
	if contract.customer_order:
		return
	post(
		Voucher.of(contract, posting_date=contract.signed_on or contract.start_date),
		[
			Entry(
				rules.CONTRACT,
				rules.signed_amount(rules.CONTRACT, contract.contract_amount),
				contract.doctype,
				contract.name,
			)
		],
	)


def cancel_document(doc):
	"""An order's or contract's cancel: its receivable is reversed (once); payments stay and can be refunded."""
	reverse(doc)
	if doc.doctype == "Customer Order":
		update_order_payment(doc.name)


# --- payments and refunds -------------------------------------------------------------------------------


def target_of(doc) -> tuple[str, str] | None:
	"""The order or contract a payment or refund counts against. A refund of a cancelled order's payment names
	only the payment (Frappe refuses links to cancelled documents): it counts against the payment's target."""
	if doc.get("customer_order"):
		return ("Customer Order", doc.customer_order)
	if doc.get("sales_contract"):
		return ("Sales Contract", doc.sales_contract)
	if doc.doctype == "Customer Refund" and doc.get("customer_payment"):
		paid = frappe.db.get_value(
			"Customer Payment", doc.customer_payment, ["customer_order", "sales_contract"], as_dict=True
		)
		if paid and paid.customer_order:
			return ("Customer Order", paid.customer_order)
		if paid and paid.sales_contract:
			return ("Sales Contract", paid.sales_contract)
	return None


def record_payment(payment):
	"""A payment's submit: refused above what is still receivable on its order or contract (an advance has
	neither and is not limited); then the ledger, the order's payment status and the instalment follow."""
	target = target_of(payment)
	voucher = Voucher.of(payment)
	keys = [(CUSTOMER, payment.customer)] + ([target] if target else [])
	balances = lock_balances(keys, payment.customer, payment.salesperson)
	open_receivable = balances.get(target, NO_FIGURES).balance if target else ZERO
	if target:
		check_target_open(*target)
	problem = rules.payment_problem(payment.amount, open_receivable, is_advance=not target)
	if problem == rules.OVER_RECEIVABLE:
		frappe.throw(
			_(
				"The payment of {0} is more than the {1} still receivable on {2}. Record the difference as an advance payment of the customer, or correct the amount."
			).format(flt(payment.amount), flt(max(open_receivable, ZERO)), target[1]),
			ReceivableExceededError,
			title=_("Payment Exceeds Receivable"),
		)
	if problem:
		frappe.throw(
			_("The amount must be greater than zero."), frappe.ValidationError, title=_("Invalid Amount")
		)
	entry = Entry(
		rules.PAYMENT, rules.signed_amount(rules.PAYMENT, payment.amount), *(target or (None, None))
	)
	post(voucher, [entry], balances=balances)
	after_money_change(payment)


def record_refund(refund):
	"""A refund's submit: no more than what was collected and not yet refunded on its order or contract (or,
	without one, on the customer's advances and payments)."""
	target = target_of(refund) or (CUSTOMER, refund.customer)
	balances = lock_balances({(CUSTOMER, refund.customer), target}, refund.customer, refund.salesperson)
	have = balances.get(target, NO_FIGURES)
	problem = rules.refund_problem(refund.amount, have.collected, have.refunded)
	if problem == rules.OVER_REFUNDABLE:
		frappe.throw(
			_("The refund of {0} is more than the {1} collected and not yet refunded on {2}.").format(
				flt(refund.amount), flt(have.collected - have.refunded), target[1]
			),
			RefundExceededError,
			title=_("Refund Exceeds Payments"),
		)
	if problem:
		frappe.throw(
			_("The amount must be greater than zero."), frappe.ValidationError, title=_("Invalid Amount")
		)
	against = target if target[0] != CUSTOMER else (None, None)
	post(
		Voucher.of(refund),
		[Entry(rules.REFUND, rules.signed_amount(rules.REFUND, refund.amount), *against)],
		balances=balances,
	)
	after_money_change(refund)


def cancel_money(doc):
	"""A payment's or refund's cancel: its entries are reversed once. A payment whose money has been refunded
	cannot be cancelled before the refund (collected may never fall below refunded)."""
	if doc.doctype == "Customer Payment":
		# a cancelled payment may not leave more refunded than collected on its target
		target = target_of(doc) or (CUSTOMER, doc.customer)
		have = lock_balances({(CUSTOMER, doc.customer), target}, doc.customer, doc.salesperson).get(
			target, NO_FIGURES
		)
		if have.collected - dec(doc.amount) < have.refunded:
			frappe.throw(
				_(
					"Payment {0} cannot be cancelled: {1} of it has been refunded. Cancel the refund first."
				).format(doc.name, flt(have.refunded)),
				RefundExceededError,
				title=_("Refunded"),
			)
	reverse(doc)
	after_money_change(doc)


def check_target_open(doctype: str, name: str):
	if frappe.db.get_value(doctype, name, "docstatus") != 1:
		frappe.throw(
			_(
				"{0} {1} is not confirmed: payments are recorded against confirmed orders and approved contracts."
			).format(_(doctype), name),
			ReceivableExceededError,
			title=_("Not Confirmed"),
		)


def after_money_change(doc):
	target = target_of(doc)
	if target and target[0] == "Customer Order":
		update_order_payment(target[1])
	if doc.doctype == "Customer Payment" and doc.get("plan_instalment"):
		update_instalments([doc.plan_instalment])


def update_order_payment(order_name: str):
	"""The order's paid amount (collected − refunded) and payment status, from its balance row."""
	have = figures("Customer Order", order_name)
	total = frappe.db.get_value("Customer Order", order_name, "grand_total")
	frappe.db.set_value(
		"Customer Order",
		order_name,
		{
			"paid_amount": float(have.collected - have.refunded),
			"payment_status": rules.payment_status(total, have.collected, have.refunded),
		},
		update_modified=False,
	)


def instalment_paid(instalments: list[str]) -> dict[str, Decimal]:
	"""Paid per instalment, from its submitted payments (one query)."""
	if not instalments:
		return {}
	payment = frappe.qb.DocType("Customer Payment")
	from frappe.query_builder.functions import Sum

	rows = (
		frappe.qb.from_(payment)
		.select(payment.plan_instalment, Sum(payment.amount))
		.where(payment.plan_instalment.isin(instalments) & (payment.docstatus == 1))
		.groupby(payment.plan_instalment)
		.run()
	)
	return {name: dec(total) for name, total in rows}


def update_instalments(instalments: list[str]):
	"""Recount the instalments' paid amounts and statuses from their payments."""
	line = frappe.qb.DocType("Payment Plan Instalment")
	rows = (
		frappe.qb.from_(line)
		.select(line.name, line.amount, line.due_date)
		.where(line.name.isin(instalments) & (line.parenttype == "Payment Plan"))
		.run(as_dict=True)
	)
	paid = instalment_paid([r.name for r in rows])
	today = getdate()
	for r in rows:
		done = paid.get(r.name, ZERO)
		status = rules.instalment_status(r.amount, done, getdate(r.due_date) < today)
		frappe.qb.update(line).set(line.paid_amount, float(done)).set(line.status, status).where(
			line.name == r.name
		).run()


def ledger_mismatches() -> list[dict]:
	"""Balance rows whose figures differ from the sums of their ledger entries, and ledger keys without a
	balance row (empty when the ledger and the balances agree)."""
	return frappe.db.sql(
		f"""with entries as (
			select 'Customer Account' as balance_of, customer as balance_name, entry_type, amount from `tab{LEDGER}`
			union all
			select against_doctype, against_name, entry_type, amount from `tab{LEDGER}` where against_doctype is not null
				and against_doctype != ''
		), sums as (
			select balance_of, balance_name, sum(amount) as balance,
				sum(case when entry_type in ('Order', 'Contract') then amount else 0 end) as receivable,
				sum(case when entry_type = 'Payment' then -amount else 0 end) as collected,
				sum(case when entry_type = 'Refund' then amount else 0 end) as refunded
			from entries group by balance_of, balance_name
		)
		select b.name, b.balance, s.balance as ledger from `tab{BALANCE}` b
		left join sums s on s.balance_of = b.balance_of and s.balance_name = b.balance_name
		where abs(b.balance - coalesce(s.balance, 0)) > 0.001
			or abs(b.receivable_amount - coalesce(s.receivable, 0)) > 0.001
			or abs(b.collected_amount - coalesce(s.collected, 0)) > 0.001
			or abs(b.refunded_amount - coalesce(s.refunded, 0)) > 0.001
		union all
		select concat(s.balance_of, '-', s.balance_name), null, s.balance from sums s
		left join `tab{BALANCE}` b on b.balance_of = s.balance_of and b.balance_name = s.balance_name
		where b.name is null""",
		as_dict=True,
	)
