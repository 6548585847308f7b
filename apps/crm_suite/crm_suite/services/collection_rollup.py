"""The collection rollup (SPEC RPT-08, SALE-06): the receivable ledger summed per day × salesperson × sales
department × currency — what became receivable (orders, contracts, net of their cancellations), what was paid
(payments net of cancellations) and what was refunded — so that the Collection Rate report reads a few
thousand rows instead of grouping millions of ledger entries.

Kept up in the posting's own transaction: `add()` runs inside receivables.post(), one upsert of the voucher's
one key, so the rollup commits or rolls back with the ledger rows it sums. The row's name is a hash of its key
(the same in Python and in SQL), which makes the upsert a primary-key `INSERT … ON DUPLICATE KEY UPDATE`.

History stays with the salesperson who earned it: a rollup row is keyed by the ledger row's own salesperson
and department (the voucher's at posting time), never by the customer's current owner, so moving a customer to
another salesperson moves nothing here — as nothing moves in the ledger.

`rebuild()` recomputes the rollup from the ledger set-based, one month per transaction (delete the month's
rows, insert the month's GROUP BY), recording in the same transaction the last month done: a rebuild killed
half-way and run again resumes after the last committed month and converges; months done before the kill were
kept up by the postings since. `mismatches()` compares the rollup with the GROUP BY over the raw ledger.
"""

import hashlib

import frappe
from frappe.utils import add_days, add_months, get_first_day, get_last_day, getdate, now_datetime

from crm_suite.policies import receivables as rules
from crm_suite.policies.order_math import ZERO, dec
from crm_suite.services import rollup_jobs

ROLLUP = "Collection Daily Rollup"
LEDGER = "Receivable Ledger Entry"
PROGRESS_KEY = "crm_suite_collection_rollup_rebuilt_through"
CHUNK_MONTHS = 1
DUE_TYPES = (rules.ORDER, rules.CONTRACT)

# the key's hash in SQL, over ledger columns already normalised ('' → NULL); concat_ws skips no argument here
# as every NULL is coalesced, and a DATE concatenates as YYYY-MM-DD, as str(date) does in Python
_NAME_SQL = (
	"sha1(concat_ws('|', posting_date, coalesce(salesperson, ''), coalesce(sales_department, ''), "
	"coalesce(currency, '')))"
)


def rollup_name(posting_date, salesperson: str | None, department: str | None, currency: str | None) -> str:
	key = "|".join((str(getdate(posting_date)), salesperson or "", department or "", currency or ""))
	return hashlib.sha1(key.encode("utf-8")).hexdigest()


def sums(entries) -> tuple:
	"""(due, paid, refunded) of ledger entries given as (entry_type, signed amount) pairs."""
	due = paid = refunded = ZERO
	for entry_type, amount in entries:
		amount = dec(amount)
		if entry_type in DUE_TYPES:
			due += amount
		elif entry_type == rules.PAYMENT:
			paid -= amount
		elif entry_type == rules.REFUND:
			refunded += amount
	return due, paid, refunded


def add(voucher, entries) -> None:
	"""Add a posting's entries (all of one voucher, so of one key) to its rollup row, creating it."""
	if not entries:
		return
	due, paid, refunded = sums((e.entry_type, e.amount) for e in entries)
	salesperson = voucher.salesperson or None
	department = voucher.sales_department or None
	currency = voucher.currency or None
	now, user = now_datetime(), frappe.session.user
	frappe.db.sql(
		f"""insert into `tab{ROLLUP}` (name, posting_date, salesperson, sales_department, currency, due_amount,
			paid_amount, refunded_amount, entry_count, creation, modified, owner, modified_by)
		values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
		on duplicate key update due_amount = due_amount + values(due_amount),
			paid_amount = paid_amount + values(paid_amount),
			refunded_amount = refunded_amount + values(refunded_amount),
			entry_count = entry_count + values(entry_count), modified = values(modified)""",
		(
			rollup_name(voucher.posting_date, salesperson, department, currency),
			getdate(voucher.posting_date),
			salesperson,
			department,
			currency,
			due,
			paid,
			refunded,
			len(entries),
			now,
			now,
			user,
			user,
		),
	)


def _grouped_ledger_sql(where: str = "") -> str:
	"""The rollup's rows computed from the raw ledger (the GROUP BY both the rebuild and the check use)."""
	return f"""select {_NAME_SQL} as name, posting_date, salesperson, sales_department, currency,
			sum(case when entry_type in ('Order', 'Contract') then amount else 0 end) as due_amount,
			sum(case when entry_type = 'Payment' then -amount else 0 end) as paid_amount,
			sum(case when entry_type = 'Refund' then amount else 0 end) as refunded_amount,
			count(*) as entry_count
		from (
			select posting_date, nullif(salesperson, '') as salesperson,
				nullif(sales_department, '') as sales_department, nullif(currency, '') as currency, entry_type, amount
			from `tab{LEDGER}` where posting_date is not null {where}
		) ledger
		group by posting_date, salesperson, sales_department, currency"""


def rebuild_range(start, end) -> None:
	"""Recompute the rollup rows of [start, end] from the ledger (the caller commits)."""
	now, user = now_datetime(), frappe.session.user
	frappe.db.sql(f"delete from `tab{ROLLUP}` where posting_date between %s and %s", (start, end))
	frappe.db.sql(
		f"""insert into `tab{ROLLUP}` (name, posting_date, salesperson, sales_department, currency, due_amount,
			paid_amount, refunded_amount, entry_count, creation, modified, owner, modified_by)
		select g.*, %(now)s, %(now)s, %(user)s, %(user)s from (
			{_grouped_ledger_sql("and posting_date between %(start)s and %(end)s")}
		) g""",
		{"start": start, "end": end, "now": now, "user": user},
	)


def _date_bounds():
	row = frappe.db.sql(
		f"""select min(d), max(d) from (
			select min(posting_date) as d from `tab{LEDGER}` union all select max(posting_date) from `tab{LEDGER}`
			union all select min(posting_date) from `tab{ROLLUP}` union all select max(posting_date) from `tab{ROLLUP}`
		) bounds"""
	)[0]
	return (getdate(row[0]), getdate(row[1])) if row[0] else (None, None)


def rebuilt_through():
	"""The last day a running (or killed) rebuild has committed, or None when no rebuild is under way."""
	return rollup_jobs.rebuilt_through(PROGRESS_KEY)


def rebuild(restart: bool = False, stop_after_chunks: int | None = None, commit=None) -> dict:
	"""Recompute the whole rollup from the ledger, CHUNK_MONTHS months per transaction, resuming after the last
	chunk a killed run committed (unless `restart`; services/rollup_jobs.py). `stop_after_chunks` stops early
	as a kill would; `commit` ends each chunk's transaction (tests pass a savepoint). Run it with
	`bench --site … execute crm_suite.services.collection_rollup.rebuild`."""
	return rollup_jobs.rebuild_by_month(
		PROGRESS_KEY,
		_date_bounds(),
		rebuild_range,
		months=CHUNK_MONTHS,
		restart=restart,
		stop_after_chunks=stop_after_chunks,
		commit=commit,
	)


def mismatches() -> list[dict]:
	"""Rollup rows that differ from the GROUP BY over the raw ledger, and ledger groups without a rollup row
	(empty when they agree). A rollup row whose entries all cancelled out still counts its entries."""
	grouped = _grouped_ledger_sql()
	return frappe.db.sql(
		f"""with g as ({grouped})
		select r.name, r.posting_date, r.salesperson, r.currency, r.due_amount, g.due_amount as ledger_due,
			r.paid_amount, g.paid_amount as ledger_paid, r.refunded_amount, g.refunded_amount as ledger_refunded
		from `tab{ROLLUP}` r left join g on g.name = r.name
		where g.name is null or abs(r.due_amount - g.due_amount) > 0.001 or abs(r.paid_amount - g.paid_amount) > 0.001
			or abs(r.refunded_amount - g.refunded_amount) > 0.001 or r.entry_count != g.entry_count
			or not (r.posting_date <=> g.posting_date) or not (r.salesperson <=> g.salesperson)
			or not (r.sales_department <=> g.sales_department) or not (r.currency <=> g.currency)
		union all
		select g.name, g.posting_date, g.salesperson, g.currency, null, g.due_amount, null, g.paid_amount, null,
			g.refunded_amount
		from g left join `tab{ROLLUP}` r on r.name = g.name where r.name is null""",
		as_dict=True,
	)
