"""Decision Centre report benchmarks (SPEC RPT-02, RPT-05, RPT-07, RPT-08) at `--scale` follow-ups and as many
calls, spread over the last 90 days and the site's salespeople (written set-based when the site holds fewer;
rolled back afterwards unless --keep).

For each report, p95 (and median) of `execute()` over `--repeats` runs as an admin, a manager and a
salesperson, for this month's period; the baseline is the naive way in the same run and as the same user:
the rows read with the permission-aware `frappe.get_list` and grouped in Python.

- report_follow_ups_by_salesperson / report_follow_ups_by_hour: Follow Up Statistics.
- report_calls_per_user_per_day: Call Statistics, per user and day.
- report_customer_ranking: Customer Ranking (orders, follow-ups, expenses and points per customer).
- report_receivables_ageing: Receivables Ageing (the ledger aged per customer; baseline groups per customer
  and day in Python before ageing)."""

import random
from collections import Counter, defaultdict
from datetime import timedelta

from harness import emit_latency, median_seconds

DAYS = 90


def _people(frappe) -> dict[str, str | None]:
	"""An admin, a manager with a department, and a salesperson who holds follow-ups."""
	staff = frappe.get_all("Sales Staff", fields=["user", "sales_position"], limit=0)
	managing = {
		p.name
		for p in frappe.get_all(
			"Sales Position", filters={"manages_subordinates": 1}, fields=["name"], limit=0
		)
	}
	manager = next((s.user for s in staff if s.sales_position in managing), None)
	sellers = [
		s.user
		for s in staff
		if s.sales_position not in managing and "CRM Salesperson" in frappe.get_roles(s.user)
	]
	return {"admin": "Administrator", "manager": manager, "salesperson": sellers[0] if sellers else None}


def _fill(frappe, scale: int) -> tuple[int, int]:
	"""Follow-ups and calls up to `scale` each, set-based (frappe.db.bulk_insert)."""
	from frappe.utils import add_to_date, now_datetime

	rng = random.Random(17)
	staff = frappe.get_all("Sales Staff", fields=["user", "sales_department"], as_list=True, limit=0)
	customers = frappe.get_all("Customer Account", pluck="name", limit=5000) or [None]
	methods = frappe.get_all("Follow Up Method", pluck="name") or [None]
	now = now_datetime()
	stamp = str(now)
	have = frappe.db.count("Follow Up Record")
	rows = []
	for i in range(max(scale - have, 0)):
		user, department = staff[i % len(staff)]
		at = add_to_date(now, seconds=-rng.randrange(DAYS * 86400))
		rows.append(
			(frappe.generate_hash(length=14), customers[i % len(customers)], user, department,
			 methods[i % len(methods)], at, "基准跟进", stamp, stamp, "Administrator", "Administrator")
		)  # fmt: skip
	frappe.db.bulk_insert(
		"Follow Up Record",
		["name", "customer", "salesperson", "sales_department", "method", "followed_on", "content",
		 "creation", "modified", "owner", "modified_by"],
		rows,
		chunk_size=5000,
	)  # fmt: skip
	have_calls = frappe.db.count("Phone Call Record")
	calls = []
	for i in range(max(scale - have_calls, 0)):
		user = staff[(i * 7) % len(staff)][0]
		at = add_to_date(now, seconds=-rng.randrange(DAYS * 86400))
		duration = rng.randrange(0, 300)
		calls.append(
			(frappe.generate_hash(length=14), rng.choice(("Inbound", "Outbound", "Missed")), "Ended", user, at,
			 duration, int(duration >= 10), "138****0000", stamp, stamp, "Administrator", "Administrator")
		)  # fmt: skip
	frappe.db.bulk_insert(
		"Phone Call Record",
		["name", "call_type", "status", "user", "start_time", "duration", "is_valid_call",
		 "phone_number_masked", "creation", "modified", "owner", "modified_by"],
		calls,
		chunk_size=5000,
	)  # fmt: skip
	return frappe.db.count("Follow Up Record"), frappe.db.count("Phone Call Record")


def _naive_follow_ups(frappe, filters, key):
	rows = frappe.get_list(
		"Follow Up Record",
		filters=[["followed_on", ">=", filters["from_date"]], ["followed_on", "<", filters["end"]]],
		fields=["salesperson", "sales_department", "customer", "method", "followed_on"],
		limit_page_length=0,
	)
	counts, customers = Counter(), defaultdict(set)
	for r in rows:
		k = key(r)
		counts[k] += 1
		customers[k].add(r.customer)
	return counts, customers


def _naive_calls(frappe, filters):
	rows = frappe.get_list(
		"Phone Call Record",
		filters=[["start_time", ">=", filters["from_date"]], ["start_time", "<", filters["end"]]],
		fields=["user", "call_type", "start_time", "is_valid_call", "duration"],
		limit_page_length=0,
	)
	out = defaultdict(Counter)
	for r in rows:
		k = (r.user, str(r.start_time)[:10])
		out[k][r.call_type] += 1
		out[k]["valid"] += r.is_valid_call or 0
		out[k]["seconds"] += r.duration or 0
	return out


def _naive_ranking(frappe, filters):
	out = defaultdict(Counter)
	for r in frappe.get_list(
		"Customer Order",
		filters=[
			["docstatus", "=", 1],
			["transaction_date", "between", [filters["from_date"], filters["to_date"]]],
		],
		fields=["customer", "net_total"],
		limit_page_length=0,
	):
		out[r.customer]["revenue"] += r.net_total or 0
	for r in frappe.get_list(
		"Follow Up Record",
		filters=[["followed_on", ">=", filters["from_date"]], ["followed_on", "<", filters["end"]]],
		fields=["customer"],
		limit_page_length=0,
	):
		out[r.customer]["follow_ups"] += 1
	return sorted(out.items(), key=lambda kv: -kv[1]["revenue"])


def _naive_ageing(frappe, filters):
	from crm_suite.policies.ageing import age

	per_customer = defaultdict(list)
	for r in frappe.get_list(
		"Receivable Ledger Entry",
		filters=[["posting_date", "<=", filters["to_date"]]],
		fields=["customer", "posting_date", "amount"],
		limit_page_length=0,
	):
		per_customer[r.customer].append((r.posting_date, r.amount))
	return {c: age(rows, filters["as_of"]) for c, rows in per_customer.items()}


def run(frappe, scale: int, repeats: int = 3, keep: bool = False, **_):
	from crm_suite.call_center.report.call_statistics import call_statistics
	from crm_suite.decision_centre.report.customer_ranking import customer_ranking
	from crm_suite.decision_centre.report.receivables_ageing import receivables_ageing
	from crm_suite.follow_up.report.follow_up_statistics import follow_up_statistics
	from frappe.utils import add_days, get_first_day, getdate

	follow_ups, calls = _fill(frappe, scale)
	today = getdate()
	period = {"from_date": str(get_first_day(today)), "to_date": str(today)}
	naive = {**period, "end": str(add_days(today, 1)), "as_of": today}
	cases = {
		"report_follow_ups_by_salesperson": (
			lambda: follow_up_statistics.execute({**period, "group_by": "Salesperson"}),
			lambda: _naive_follow_ups(frappe, naive, lambda r: (r.salesperson, r.sales_department)),
		),
		"report_follow_ups_by_hour": (
			lambda: follow_up_statistics.execute({**period, "group_by": "Hour of Day"}),
			lambda: _naive_follow_ups(frappe, naive, lambda r: r.followed_on.hour),
		),
		"report_calls_per_user_per_day": (
			lambda: call_statistics.execute({**period, "group_by": "User per Day"}),
			lambda: _naive_calls(frappe, naive),
		),
		"report_customer_ranking": (
			lambda: customer_ranking.execute(dict(period)),
			lambda: _naive_ranking(frappe, naive),
		),
		"report_receivables_ageing": (
			lambda: receivables_ageing.execute({"to_date": period["to_date"]}),
			lambda: _naive_ageing(frappe, naive),
		),
	}
	try:
		for who, user in _people(frappe).items():
			if not user:
				continue
			for metric, (report, baseline) in cases.items():
				frappe.set_user(user)
				report()  # warm: metadata and caches, as a second request finds them
				_median, samples = median_seconds(report, max(repeats, 5))
				_median, base = median_seconds(baseline, max(repeats, 5))
				frappe.set_user("Administrator")
				emit_latency(
					f"{metric}_{who}",
					samples,
					base,
					scale=scale,
					baseline_name="get_list + Python grouping, same user",
					follow_ups=follow_ups,
					calls=calls,
				)
	finally:
		frappe.set_user("Administrator")
		if keep:
			frappe.db.commit()
		else:
			frappe.db.rollback()
