"""Decision Centre report benchmarks over the follow-up and call rollups (SPEC RPT-02, RPT-07; issue 17).

`--scale N` follow-ups and 2N/5 calls (5M and 2M at `--scale 5000000`), written set-based from MariaDB's
sequence engine over the demo organisation with 300 extra salespeople (its manager sees 202 of them), spread
over the last `CRM_BENCH_DAYS` days (730 by default) at every hour, each salesperson following their own slice
of the site's customers; then both rollups are rebuilt from them set-based, one month per transaction
(timed), and checked equal to the GROUP BY over the raw tables. Rows are named `BFU-…` / `BCL-…`; a second run
adds only what is missing. With `--keep` everything is committed (use it at scale: the rows then serve the
next run); without, the run is rolled back.

Each report runs for one unfiltered calendar month (the last complete one), as the manager of ~200 and as a
salesperson (and as an admin, for information): p95 and median of `execute()` over max(repeats, 5) runs.
The baseline is the naive way in the same run, as the same user: the month's rows read with the
permission-aware `frappe.get_list` and grouped in Python. Every JSON line also carries the rows the server
read for one run of each (`Handler_read_*` of the session), a load-independent figure, and the report is
checked to give the baseline's totals.

- report_follow_ups_by_salesperson / _by_hour / _by_method: Follow Up Statistics (RPT-02).
- report_calls_by_user / report_calls_per_user_per_day: Call Statistics (RPT-07).
- card_follow_ups_this_month: the Follow-ups This Month number card (Frappe's `get_result`), against Frappe's
  count of the raw follow-ups.

~/frappe-bench/env/bin/python tests/bench/run.py --site <site> --only reports --scale 5000000 --keep"""

import os
import time
from collections import Counter, defaultdict

from harness import emit, emit_latency, median_seconds, wait_for_quiet_database

EXTRA_SALESPEOPLE = 300
DAYS = int(os.environ.get("CRM_BENCH_DAYS", "730"))
CHUNK = 500_000
CALL_SHARE = 0.4  # 2M calls for 5M follow-ups


def _people(org) -> dict[str, str]:
	return {"manager": org["manager"], "salesperson": org["salespeople"][0], "admin": "Administrator"}


def _handler_reads(frappe) -> int:
	rows = frappe.db.sql("show session status like 'Handler_read%'")
	return sum(int(v) for k, v in rows if k != "Handler_read_key")


def _rows_read(frappe, fn) -> int:
	before = _handler_reads(frappe)
	fn()
	return _handler_reads(frappe) - before


def _temp_tables(frappe) -> tuple[int, int, int]:
	"""Staff, customers (each salesperson's own slice) and methods numbered from 0, for the generator's joins."""
	for t in ("bench_staff", "bench_customers", "bench_methods"):
		frappe.db.sql(f"drop temporary table if exists {t}")
	frappe.db.sql(
		"""create temporary table bench_staff (idx int primary key, user varchar(140), dept varchar(140))
		select row_number() over (order by user) - 1 as idx, user, sales_department as dept
		from `tabSales Staff` where user is not null"""
	)
	frappe.db.sql(
		"""create temporary table bench_customers (idx int primary key, name varchar(140))
		select row_number() over (order by name) - 1 as idx, name from (
			select name from `tabCustomer Account` order by name limit 1000000) c"""
	)
	frappe.db.sql(
		"""create temporary table bench_methods (idx int primary key, name varchar(140))
		select row_number() over (order by name) - 1 as idx, name from `tabFollow Up Method`"""
	)
	counts = [
		frappe.db.sql(f"select count(*) from {t}")[0][0]
		for t in ("bench_staff", "bench_customers", "bench_methods")
	]
	return tuple(counts)


def _generate(frappe, scale: int, keep: bool) -> dict:
	"""Follow-ups and calls up to `scale` and scale × CALL_SHARE, set-based, CHUNK rows per statement."""
	n_staff, n_customers, n_methods = _temp_tables(frappe)
	assert n_staff and n_methods, "the site needs salespeople and follow-up methods"
	per = max(n_customers // n_staff, 1)
	span = DAYS * 86400
	if n_customers:  # each salesperson follows their own slice of the site's customers
		customer = "c.name"
		customers = f"join bench_customers c on c.idx = ((q.seq % {n_staff}) * {per} + (q.seq div {n_staff}) % {per}) % {n_customers}"
	else:
		customer = f"concat('BENCH-CUST-', (q.seq % {n_staff}) * 1000 + (q.seq div {n_staff}) % 1000)"
		customers = ""
	written = {}
	for prefix, table, target in (
		("BFU-", "Follow Up Record", scale),
		("BCL-", "Phone Call Record", int(scale * CALL_SHARE)),
	):
		have = frappe.db.sql(f"select count(*) from `tab{table}` where name like %s", (prefix + "%",))[0][0]
		began = time.perf_counter()
		for start in range(have, target, CHUNK):
			end = min(start + CHUNK, target) - 1
			when = f"now() - interval ((q.seq * 7919) % {span}) second"
			if table == "Follow Up Record":
				frappe.db.sql(
					f"""insert into `tabFollow Up Record` (name, creation, modified, owner, modified_by, docstatus,
						idx, customer, method, content, followed_on, salesperson, sales_department)
					select concat('{prefix}', lpad(q.seq, 10, '0')), now(), now(), 'Administrator', 'Administrator',
						0, 0, {customer}, m.name, '基准跟进', {when}, s.user, s.dept
					from seq_{start}_to_{end} q
					join bench_staff s on s.idx = q.seq % {n_staff}
					join bench_methods m on m.idx = (q.seq div 7) % {n_methods}
					{customers}"""
				)
			else:
				frappe.db.sql(
					f"""insert into `tabPhone Call Record` (name, creation, modified, owner, modified_by, docstatus,
						idx, call_type, status, user, start_time, duration, is_valid_call, phone_number_masked)
					select concat('{prefix}', lpad(q.seq, 10, '0')), now(), now(), 'Administrator', 'Administrator',
						0, 0, elt(1 + q.seq % 3, 'Inbound', 'Outbound', 'Missed'),
						if(q.seq % 3 = 2, 'Missed', 'Ended'), s.user, {when},
						if(q.seq % 3 = 2, 0, (q.seq * 13) % 300), if(q.seq % 3 = 2, 0, (q.seq * 13) % 300 >= 10),
						'138****0000'
					from seq_{start}_to_{end} q
					join bench_staff s on s.idx = (q.seq div 3) % {n_staff}"""
				)
			if keep:
				frappe.db.commit()
		seconds = time.perf_counter() - began
		if target > have:
			emit(f"reports_generate_{prefix.strip('-').lower()}_rows_per_second", (target - have) / seconds, "rows/s", None, scale=scale, n=target - have)  # fmt: skip
		written[table] = frappe.db.sql(f"select count(*) from `tab{table}`")[0][0]
	if keep:  # the optimiser plans the reports with the loaded tables' row counts, not the empty ones'
		from crm_suite.services.bulk import refresh_statistics

		refresh_statistics("Follow Up Record", "Phone Call Record")
	return written


def _rebuild(frappe, scale: int, keep: bool, period: dict) -> None:
	from crm_suite.services import activity_rollup

	for rollup in (activity_rollup.FOLLOW_UPS, activity_rollup.CALLS):
		began = time.perf_counter()
		result = activity_rollup.rebuild_one(
			rollup, restart=True, commit=frappe.db.commit if keep else (lambda: None)
		)
		seconds = time.perf_counter() - began
		raw = frappe.db.count(rollup.source)
		emit(
			f"reports_rollup_rebuild_{rollup.count}",
			seconds,
			"s",
			None,
			scale=scale,
			n=raw,
			months=result["chunks"],
			rollup_rows=frappe.db.count(rollup.doctype),
		)
		# checked over the measured month (the whole table at 5M rows would take minutes; the tests check all)
		mismatched = activity_rollup.mismatches(rollup, period["from_date"], period["to_date"])
		assert mismatched == [], f"{rollup.doctype} must equal the raw GROUP BY"
	from crm_suite.services import reach_rollup

	began = time.perf_counter()
	result = reach_rollup.rebuild(restart=True, commit=frappe.db.commit if keep else (lambda: None))
	emit(
		"reports_rollup_rebuild_month_reach",
		time.perf_counter() - began,
		"s",
		None,
		scale=scale,
		n=frappe.db.count("Follow Up Record"),
		months=result["chunks"],
		rollup_rows=frappe.db.count(reach_rollup.CUSTOMER_MONTH),
	)
	mismatched = reach_rollup.mismatches(period["from_date"], period["to_date"])
	assert mismatched == [], "the month reach must equal the raw GROUP BY"


def _naive_follow_ups(frappe, period, key):
	rows = frappe.get_list(
		"Follow Up Record",
		filters=[["followed_on", ">=", period["from_date"]], ["followed_on", "<", period["end"]]],
		fields=["salesperson", "sales_department", "customer", "method", "followed_on"],
		limit_page_length=0,
	)
	counts, customers = Counter(), defaultdict(set)
	for r in rows:
		if not r.salesperson:
			continue
		k = key(r)
		counts[k] += 1
		customers[k].add(r.customer)
	return counts, customers


def _naive_calls(frappe, period, key):
	rows = frappe.get_list(
		"Phone Call Record",
		filters=[["start_time", ">=", period["from_date"]], ["start_time", "<", period["end"]]],
		fields=["user", "call_type", "start_time", "is_valid_call", "duration"],
		limit_page_length=0,
	)
	out = defaultdict(Counter)
	for r in rows:
		k = key(r)
		out[k][r.call_type] += 1
		out[k]["calls"] += 1
		out[k]["valid"] += r.is_valid_call or 0
		out[k]["seconds"] += r.duration or 0
	return out


def run(frappe, scale: int, repeats: int = 3, keep: bool = False, **_):
	from frappe.desk.doctype.number_card.number_card import get_result
	from frappe.utils import add_days, add_months, get_first_day, get_last_day, getdate

	from crm_suite.call_center.report.call_statistics import call_statistics
	from crm_suite.demo.load import make_demo_org
	from crm_suite.follow_up.report.follow_up_statistics import follow_up_statistics

	org = make_demo_org(extra_salespeople=EXTRA_SALESPEOPLE)
	frappe.db.commit()
	try:
		counts = _generate(frappe, scale, keep)
		if keep:
			wait_for_quiet_database()
		start = get_first_day(add_months(getdate(), -1))
		period = {"from_date": str(start), "to_date": str(get_last_day(start))}
		_rebuild(frappe, scale, keep, period)
		naive = {**period, "end": str(add_days(get_last_day(start), 1))}

		def follow_up_report(group_by):
			return lambda: follow_up_statistics.execute({**period, "group_by": group_by})

		def call_report(group_by):
			return lambda: call_statistics.execute({**period, "group_by": group_by})

		def card():
			doc = frappe.get_doc("Number Card", "Follow-ups This Month")
			return get_result(doc, frappe.parse_json(doc.filters_json))

		cases = {
			"report_follow_ups_by_salesperson": (
				follow_up_report("Salesperson"),
				lambda: _naive_follow_ups(frappe, naive, lambda r: (r.salesperson, r.sales_department)),
				lambda result: sum(r.follow_ups for r in result[1]),
				lambda base: sum(base[0].values()),
			),
			"report_follow_ups_by_hour": (
				follow_up_report("Hour of Day"),
				lambda: _naive_follow_ups(frappe, naive, lambda r: r.followed_on.hour),
				lambda result: [r.follow_ups for r in result[1]],
				lambda base: [base[0].get(h, 0) for h in range(24)],
			),
			"report_follow_ups_by_method": (
				follow_up_report("Method"),
				lambda: _naive_follow_ups(frappe, naive, lambda r: r.method),
				lambda result: {r.method: (r.follow_ups, r.customers) for r in result[1]},
				lambda base: {k: (v, len(base[1][k])) for k, v in base[0].items()},
			),
			"report_calls_by_user": (
				call_report("User"),
				lambda: _naive_calls(frappe, naive, lambda r: r.user),
				lambda result: {
					r["user"]: (r["total_calls"], r["valid_calls"], r["talk_seconds"]) for r in result[1]
				},
				lambda base: {k: (v["calls"], v["valid"], v["seconds"]) for k, v in base.items()},
			),
			"report_calls_per_user_per_day": (
				call_report("User per Day"),
				lambda: _naive_calls(frappe, naive, lambda r: (r.user, str(r.start_time)[:10])),
				lambda result: sum(r["total_calls"] for r in result[1]),
				lambda base: sum(v["calls"] for v in base.values()),
			),
		}
		for who, user in _people(org).items():
			for metric, (report, baseline, figures, base_figures) in cases.items():
				frappe.set_user(user)
				result = report()  # warm: metadata and caches, as a second request finds them
				base_result = baseline()
				assert figures(result) == base_figures(
					base_result
				), f"{metric} as {who} differs from the raw rows"
				read, base_read = _rows_read(frappe, report), _rows_read(frappe, baseline)
				_median, samples = median_seconds(report, max(repeats, 5))
				_median, base = median_seconds(baseline, max(repeats, 3))
				frappe.set_user("Administrator")
				emit_latency(
					f"{metric}_{who}",
					samples,
					base,
					scale=scale,
					baseline_name="get_list + Python grouping, same user, same run",
					rows_read=read,
					baseline_rows_read=base_read,
					month=period["from_date"][:7],
					follow_ups=counts["Follow Up Record"],
					calls=counts["Phone Call Record"],
				)
			frappe.set_user(user)

			def card_before():  # the card as it was: Frappe's count of the raw follow-ups, in the user's scope
				return frappe.get_list(
					"Follow Up Record",
					filters={"followed_on": ("timespan", "this month")},
					fields=["count(*) as count"],
				)[0].count

			assert int(card() or 0) == card_before(), f"the card as {who} differs from the raw count"
			read, base_read = _rows_read(frappe, card), _rows_read(frappe, card_before)
			_median, samples = median_seconds(card, max(repeats, 5))
			_median, base = median_seconds(card_before, max(repeats, 5))
			frappe.set_user("Administrator")
			emit_latency(
				f"card_follow_ups_this_month_{who}",
				samples,
				base,
				scale=scale,
				baseline_name="the card as before: Frappe's count of the raw follow-ups, same user",
				rows_read=read,
				baseline_rows_read=base_read,
			)
	finally:
		frappe.set_user("Administrator")
		if keep:
			frappe.db.commit()
		else:
			frappe.db.rollback()
