"""Payments benchmark (SPEC SALE-06).

1. `customer_receivable_balance`: a customer with 10,000 payments — reading their receivable balance (one
   primary-key read of the Receivable Balance row, services/receivables.customer_balance) vs. summing the
   customer's receivable ledger entries (indexed by customer), same run. Medians in ms.
2. `collection_rollup_rebuild`: the rows are bulk-inserted around the posting service, so the collection rollup
   (services/collection_rollup.py) is rebuilt from the ledger, set-based, and checked equal to the GROUP BY over
   the raw ledger; seconds.
3. `collection_rate_report_p95`: the Collection Rate report (per salesperson and month, department roll-up) over
   `--scale` payments (default 10,000; run with --scale 1000000 for the issue's figure) and one order
   confirmation per five payments, as a CRM Admin, read from the rollup, vs. the same report grouped from the
   raw receivable ledger (as it was before the rollup), both timed alternately in the same run and checked to
   give the same figures; p95 and median in ms. `collection_rate_report`: its median vs. get_list over Customer
   Payment and the ledger's confirmations with Python grouping, in s.

The rows are bulk-inserted set-based (MariaDB's SEQUENCE engine, `seq_1_to_N`): Customer Payment rows
(submitted) and the receivable ledger entries they post, each batch marked `BENCH-`; a rerun at the same scale
reuses them. The balance rows are set to their ledger sums (ledger_mismatches() stays empty)."""

import statistics
import time
from collections import defaultdict

from harness import emit, emit_latency, median_seconds, percentile, wait_for_quiet_database

CUSTOMER_NAME = "压测回款客户有限公司"
CUSTOMER_PAYMENTS = 10000
ORDER_EVERY = 5  # one order confirmation per this many payments in the report's data
DAYS = 365


def _customer(frappe) -> str:
	name = frappe.db.get_value("Customer Account", {"customer_name": CUSTOMER_NAME})
	if not name:
		name = (
			frappe.get_doc(
				{"doctype": "Customer Account", "customer_name": CUSTOMER_NAME, "website": "https://pay.cn"}
			)
			.insert(ignore_permissions=True)
			.name
		)
		frappe.db.commit()
	return name


def _salespeople(frappe) -> list[str]:
	users = frappe.get_all("Sales Staff", filters={"enabled": 1}, pluck="user", limit=20)
	return users or ["Administrator"]


def _fill(frappe, tag: str, count: int, customer_sql: str, salespeople: list[str]):
	"""`count` submitted payments (and their ledger entries), plus one order confirmation per ORDER_EVERY,
	spread over the last DAYS days and the salespeople. Each chunk commits whole, so a rerun continues after
	the rows already there (a larger --scale adds to a smaller one's rows)."""
	have = frappe.db.sql(
		"select count(*) from `tabCustomer Payment` where name like %s", (f"BENCH-{tag}-%",)
	)[0][0]
	if have >= count:
		return False
	people = ", ".join(frappe.db.escape(u) for u in salespeople)
	k = len(salespeople)
	chunk = 200000
	for first in range(have + 1, count + 1, chunk):
		last = min(count, first + chunk - 1)
		seq = f"seq_{first}_to_{last}"
		frappe.db.sql(
			f"""insert into `tabCustomer Payment` (name, creation, modified, owner, modified_by, docstatus, naming_series,
				customer, customer_name, posting_date, amount, currency, payment_method, salesperson, is_advance)
			select concat('BENCH-{tag}-', seq), now(), now(), 'Administrator', 'Administrator', 1, 'HK-.YYYY.-',
				{customer_sql}, 'bench', date_sub(curdate(), interval seq % {DAYS} day), 100 + seq % 900, 'CNY',
				'Bank Transfer', elt(1 + seq % {k}, {people}), 0
			from {seq}"""
		)
		frappe.db.sql(
			f"""insert into `tabReceivable Ledger Entry` (name, creation, modified, owner, modified_by, posting_date,
				customer, entry_type, amount, currency, is_reversal, voucher_type, voucher_no, salesperson)
			select concat('BENCH-{tag}-', seq), now(), now(), 'Administrator', 'Administrator',
				date_sub(curdate(), interval seq % {DAYS} day), {customer_sql}, 'Payment', -(100 + seq % 900), 'CNY', 0,
				'Customer Payment', concat('BENCH-{tag}-', seq), elt(1 + seq % {k}, {people})
			from {seq}"""
		)
		frappe.db.sql(
			f"""insert into `tabReceivable Ledger Entry` (name, creation, modified, owner, modified_by, posting_date,
				customer, entry_type, amount, currency, is_reversal, voucher_type, voucher_no, salesperson)
			select concat('BENCH-{tag}-O', seq), now(), now(), 'Administrator', 'Administrator',
				date_sub(curdate(), interval seq % {DAYS} day), {customer_sql}, 'Order', 3000, 'CNY', 0,
				'Customer Order', concat('BENCH-{tag}-O', seq), elt(1 + seq % {k}, {people})
			from {seq} where seq % {ORDER_EVERY} = 0"""
		)
		frappe.db.commit()
		print(f"# {tag}: {last} payments", flush=True)
	return True


def _sync_balances(frappe, customers_sql: str):
	"""Balance rows of the bench customers = their ledger sums (as posting keeps them)."""
	frappe.db.sql(
		f"""insert into `tabReceivable Balance` (name, balance_of, balance_name, customer, receivable_amount,
			collected_amount, refunded_amount, balance, creation, modified, owner, modified_by)
		select concat('Customer Account-', customer), 'Customer Account', customer, customer,
			sum(case when entry_type in ('Order', 'Contract') then amount else 0 end),
			sum(case when entry_type = 'Payment' then -amount else 0 end),
			sum(case when entry_type = 'Refund' then amount else 0 end), sum(amount),
			now(), now(), 'Administrator', 'Administrator'
		from `tabReceivable Ledger Entry` where customer in ({customers_sql}) group by customer
		on duplicate key update receivable_amount = values(receivable_amount),
			collected_amount = values(collected_amount), refunded_amount = values(refunded_amount),
			balance = values(balance)"""
	)
	frappe.db.commit()


def _report_customers(frappe, count: int) -> list[str]:
	"""A pool of bench customers the report's payments are spread over."""
	names = []
	for i in range(20):
		customer_name = f"压测回款报表客户{i:02d}"
		name = frappe.db.get_value("Customer Account", {"customer_name": customer_name})
		if not name:
			name = (
				frappe.get_doc(
					{
						"doctype": "Customer Account",
						"customer_name": customer_name,
						"website": f"https://r{i}.cn",
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
		names.append(name)
	frappe.db.commit()
	return names


def _baseline_report(frappe, start, end) -> dict:
	"""The same per-salesperson figures the naive way: get_list and Python grouping."""
	rows = defaultdict(lambda: [0.0, 0.0])
	for p in frappe.get_list(
		"Customer Payment",
		filters={"docstatus": 1, "posting_date": ["between", [start, end]]},
		fields=["salesperson", "posting_date", "amount"],
		limit_page_length=0,
	):
		rows[(p.salesperson, str(p.posting_date)[:7])][1] += p.amount
	for e in frappe.get_list(
		"Receivable Ledger Entry",
		filters={"entry_type": ["in", ["Order", "Contract"]], "posting_date": ["between", [start, end]]},
		fields=["salesperson", "posting_date", "amount"],
		limit_page_length=0,
	):
		rows[(e.salesperson, str(e.posting_date)[:7])][0] += e.amount
	return rows


def _ledger_report(frappe, start, end, filters) -> list[dict]:
	"""The Collection Rate report as it was before the rollup: grouped by day and salesperson straight from the
	receivable ledger (its covering index), in the ledger's row scope, then folded and rolled up the same way."""
	from crm_suite.permissions.rows import where_in_scope
	from crm_suite.permissions.sales_money import MONEY_SCOPES
	from crm_suite.sales_orders.report.collection_rate import collection_rate
	from frappe.query_builder import Case
	from frappe.query_builder.functions import Sum

	ledger = frappe.qb.DocType("Receivable Ledger Entry")
	due = Sum(Case().when(ledger.entry_type.isin(["Order", "Contract"]), ledger.amount).else_(0))
	paid = Sum(Case().when(ledger.entry_type == "Payment", -ledger.amount).else_(0))
	refunded = Sum(Case().when(ledger.entry_type == "Refund", ledger.amount).else_(0))
	query = (
		frappe.qb.from_(ledger)
		.select(ledger.posting_date, ledger.salesperson, due, paid, refunded)
		.where((ledger.posting_date >= start) & (ledger.posting_date <= end))
		.groupby(ledger.posting_date, ledger.salesperson)
	)
	query = where_in_scope(query, MONEY_SCOPES["Receivable Ledger Entry"](table=ledger))
	rows: dict[tuple[str, str], dict] = {}
	for day, salesperson, d, p, r in query.run():
		row = rows.setdefault(
			(salesperson or "", str(day)[:7]), {"due": 0.0, "collected": 0.0, "refunded": 0.0}
		)
		row["due"] += float(d or 0)
		row["collected"] += float(p or 0) - float(r or 0)
		row["refunded"] += float(r or 0)
	return collection_rate.rollup(rows, frappe._dict(filters))


def _figures(data: list[dict]) -> list[tuple]:
	return [
		(r["row_id"], round(r["due"], 2), round(r["collected"], 2), round(r["refunded"], 2)) for r in data
	]


def run(frappe, scale: int, repeats: int = 3, **_):
	from crm_suite.sales_orders.report.collection_rate import collection_rate
	from crm_suite.services import collection_rollup, receivables
	from frappe.utils import add_days, getdate

	salespeople = _salespeople(frappe)

	# 1. one customer's balance with 10k payments
	customer = _customer(frappe)
	if _fill(frappe, "C", CUSTOMER_PAYMENTS, frappe.db.escape(customer), salespeople):
		_sync_balances(frappe, frappe.db.escape(customer))
	wait_for_quiet_database(timeout=30)
	samples = 200 * max(1, repeats)

	def balance():
		return receivables.customer_balance(customer)

	def ledger_sum():
		return frappe.db.sql(
			"select sum(amount) from `tabReceivable Ledger Entry` where customer = %s", (customer,)
		)[0][0]

	assert abs(float(balance()) - float(ledger_sum())) < 0.01, "the balance row must equal the ledger sum"
	for _ in range(20):  # warm
		balance(), ledger_sum()
	value, _s = median_seconds(balance, samples)
	base, _b = median_seconds(ledger_sum, max(20, samples // 5))
	floor, _f = median_seconds(lambda: frappe.db.sql("select 1"), samples)
	emit(
		"customer_receivable_balance",
		value * 1000,
		"ms",
		base * 1000,
		scale=CUSTOMER_PAYMENTS,
		n=samples,
		baseline_name="sum of the customer's receivable ledger entries (indexed by customer)",
		db_round_trip_ms=round(floor * 1000, 3),
		lower_is_better=True,
	)

	# 2. the collection-rate report over `scale` payments
	customers = _report_customers(frappe, scale)
	customers_sql = ", ".join(frappe.db.escape(c) for c in customers)
	pick = f"elt(1 + seq % {len(customers)}, {customers_sql})"
	began = time.perf_counter()
	if _fill(frappe, "R", scale, pick, salespeople):
		_sync_balances(frappe, customers_sql)
		print(f"# inserted {scale} payments in {time.perf_counter() - began:.1f} s", flush=True)
	wait_for_quiet_database(timeout=60)
	end = getdate()
	start = add_days(end, -DAYS)
	filters = {"from_date": start, "to_date": end}
	ledger_rows = frappe.db.sql(
		"select count(*) from `tabReceivable Ledger Entry` where posting_date between %s and %s", (start, end)
	)[0][0]
	# the rows were inserted around the posting service: the rollup is rebuilt from the ledger, as a site
	# upgraded to it is (resumable, one month per transaction), and must then agree with the raw ledger
	began = time.perf_counter()
	rebuilt = collection_rollup.rebuild(restart=True)
	rebuild_seconds = time.perf_counter() - began
	assert collection_rollup.mismatches() == [], "the rollup must equal the GROUP BY over the raw ledger"
	rollup_rows = frappe.db.count("Collection Daily Rollup")
	emit(
		"collection_rollup_rebuild",
		rebuild_seconds,
		"s",
		None,
		scale=scale,
		n=1,
		ledger_rows=frappe.db.count("Receivable Ledger Entry"),
		rollup_rows=rollup_rows,
		chunks=rebuilt["chunks"],
	)

	collection_rate.execute(filters)  # warm
	_ledger_report(frappe, start, end, filters)
	report_samples, ledger_samples = [], []
	for _ in range(max(5, repeats * 3)):
		t0 = time.perf_counter()
		collection_rate.execute(filters)
		report_samples.append(time.perf_counter() - t0)
		t0 = time.perf_counter()
		_ledger_report(frappe, start, end, filters)
		ledger_samples.append(time.perf_counter() - t0)
	assert _figures(collection_rate.execute(filters)[1]) == _figures(
		_ledger_report(frappe, start, end, filters)
	)
	emit_latency(
		"collection_rate_report_p95",
		report_samples,
		ledger_samples,
		scale,
		"the same report grouped from the raw receivable ledger (its covering index), same run",
		ledger_rows=ledger_rows,
		rollup_rows=rollup_rows,
		baseline_p50_ms=round(percentile(ledger_samples, 50) * 1000, 3),
	)
	baseline_samples = []
	for _ in range(1 if scale > 200000 else max(1, repeats)):
		t0 = time.perf_counter()
		_baseline_report(frappe, start, end)
		baseline_samples.append(time.perf_counter() - t0)
	emit(
		"collection_rate_report",
		statistics.median(report_samples),
		"s",
		statistics.median(baseline_samples),
		scale=scale,
		n=len(report_samples),
		ledger_rows=ledger_rows,
		baseline_name="get_list over Customer Payment and the ledger's confirmations + Python grouping",
		lower_is_better=True,
	)

	# the same report as a manager: the row scope (the subtree's salespeople) on the rollup's rows
	manager = frappe.db.get_value("Sales Staff", {"manages_subordinates": 1, "enabled": 1}, "user")
	if manager:
		frappe.set_user(manager)
		try:
			collection_rate.execute(filters)
			scoped, _m = median_seconds(lambda: collection_rate.execute(filters), max(3, repeats))
		finally:
			frappe.set_user("Administrator")
		emit(
			"collection_rate_report_manager",
			scoped,
			"s",
			statistics.median(report_samples),
			scale=scale,
			n=max(3, repeats),
			baseline_name="the same report as a CRM Admin (unscoped), same run",
			lower_is_better=True,
		)
