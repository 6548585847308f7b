"""Every Decision Centre report at scale (issue 17: SPEC RPT-01..11, with the pool reports of POOL-05/POOL-11 and the
sales and money reports the centre links to): each standard Script/Query Report of the app run as Frappe runs it
(`frappe.desk.query_report.run`, prepared reports off), for one unfiltered calendar month — the last complete one —
as the demo manager (the department tree of ~200 salespeople when the site was filled with 300 extra reps), as a
salesperson and, for information, as the Administrator.

Per report and user: p95 and median over max(repeats, 5) runs (one run when the first took over 10 s), the rows the
server read for one run (`Handler_read_*` of the session: a load-independent figure), the rows the report returned;
and the naive way in the same run as the same user: the report's source documents of the month read with the
permission-aware `frappe.get_list` and grouped in Python (the `NAIVE` table: document, its date, the column grouped
by; no date for reports over the current state, e.g. Resource Warning). The data is the site's: fill it first with
the demo loader and the other benchmarks' generators, e.g.

        bench --site big.localhost execute crm_suite.demo.load.load_demo --kwargs "{'customers': 1000000, 'extra_salespeople': 300}"
        ~/frappe-bench/env/bin/python tests/bench/run.py --site big.localhost --only reports --scale 5000000 --keep
        ~/frappe-bench/env/bin/python tests/bench/run.py --site big.localhost --only sales --scale 200000 --keep
        ~/frappe-bench/env/bin/python tests/bench/run.py --site big.localhost --only payments --scale 1000000
        ~/frappe-bench/env/bin/python tests/bench/run.py --site big.localhost --only decision_centre

`CRM_BENCH_MONTH=2026-10` measures that month (the demo loader creates its customers over the two years up to
1 November, so the last complete month may hold few new customers); `CRM_BENCH_REPORTS="Customer Ranking,Resource Warning"` limits the run to those reports; `CRM_BENCH_WHO=manager,
salesperson` to those users. Nothing is written."""

import json
import os
import time
from collections import Counter

from harness import emit, percentile

SLOW_SECONDS = 10.0  # a report slower than this once is timed once (the survey's point is made)


# report → what the naive way reads and groups: (document, date column or None, grouped-by column or columns[,
# further filters]) per source the report shows — every source, so the baseline computes the same report (until
# session 15 some reports listed only one or two of theirs, e.g. Salesperson Performance neither its calls, its
# targets, its won amount nor its intention customers) — or a function doing what the report does the naive way
def _stage_conversion(frappe, month, groups):
	"""Opportunity Stage Conversion the naive way: the process's opportunities created in the month (reached,
	open, lost and invalid per stage from their rows) and every move of theirs (the median days per stage left,
	from the moves' rows), each read with get_list and counted in Python."""
	from statistics import median

	from crm_suite.services.sales.stages import default_process

	process = default_process()
	opportunities = frappe.get_list(
		"Sales Opportunity",
		filters=[
			["sales_process", "=", process],
			["creation", ">=", month["from_date"]],
			["creation", "<", month["end"]],
		],
		fields=["name", "furthest_stage_index", "status", "stage", "lost_at_stage"],
		limit_page_length=0,
	)
	for o in opportunities:
		groups[("Sales Opportunity", o.furthest_stage_index, o.status, o.stage, o.lost_at_stage)] += 1
	days: dict[str, list] = {}
	names = [o.name for o in opportunities]
	for i in range(0, len(names), 1000):
		for stage, value in frappe.get_list(
			"Opportunity Stage Log",
			filters=[["opportunity", "in", names[i : i + 1000]], ["from_stage", "is", "set"]],
			fields=["from_stage", "days_in_previous_stage"],
			limit_page_length=0,
			as_list=True,
		):
			days.setdefault(stage, []).append(float(value or 0))
	for stage, values in days.items():
		groups[("Opportunity Stage Log", stage, median(values))] += len(values)


NAIVE = {
	"Customer Statistics": [("Customer Account", "creation", ("customer_source", "lifecycle_state", "creation"))],
	"Conversion Funnel": [
		("Customer Account", "creation", "salesperson"),
		("Customer Account", "deal_on", "salesperson"),
		("Sales Lead", "creation", ("salesperson", "converted_customer")),
		("Phone Call Record", "start_time", ("user", "is_valid_call")),
	],
	"Customer Ranking": [("Customer Order", "transaction_date", "customer"), ("Follow Up Record", "followed_on", "customer")],
	"Customer Purchase Analysis": [("Customer Order", "transaction_date", "customer")],
	"Customer Stickiness": [("Customer Account", None, "customer_category"), ("Follow Up Record", "followed_on", "customer")],
	"Salesperson Performance": [
		("Customer Account", None, "salesperson", {"lifecycle_state": "Following"}),
		("Customer Account", "deal_on", "salesperson"),
		("Phone Call Record", "start_time", "user"),
		("Follow Up Record", "followed_on", "salesperson"),
		("Sales Target", "target_month", ("salesperson", "planned_count", "planned_amount")),
		("Sales Opportunity", "deal_date", ("salesperson", "expected_amount"), {"status": "Won"}),
	],
	"Import Batch Statistics": [("Customer Import Batch", "creation", "owner")],
	"Product Interest": [("Customer Order", "transaction_date", "customer")],
	"Receivables Ageing": [("Receivable Ledger Entry", None, "customer")],
	"Follow Up Statistics": [("Follow Up Record", "followed_on", "salesperson")],
	"Follow Up Query": [("Follow Up Record", "followed_on", "salesperson")],
	"Call Statistics": [("Phone Call Record", "start_time", "user")],
	"Campaign Results": [("Sales Campaign", None, "status")],
	"Resource Warning": [("Customer Account", None, "salesperson")],
	"Recycle Preview": [("Customer Account", None, "salesperson")],
	"Opportunity Stage Conversion": [_stage_conversion],
	"Sales Pipeline": [("Sales Opportunity", None, "stage")],
	"Sales Target Attainment": [
		("Sales Target", "target_month", ("salesperson", "planned_count", "planned_amount")),
		("Sales Opportunity", "deal_date", ("salesperson", "expected_amount"), {"status": "Won"}),
	],
	"Rival Win Loss": [("Sales Opportunity", "deal_date", "status")],
	"Customer Profit Margin": [("Customer Order", "transaction_date", "customer")],
	"Sales Expense Ranking": [("Sales Expense", "expense_date", "salesperson")],
	"Collection Rate": [("Customer Payment", "posting_date", "salesperson")],
	"Customer Receivables": [("Receivable Balance", None, "customer")],
	"Product Stock Summary": [("Product Stock Ledger Entry", None, "product")],
}  # fmt: skip


def _filters(report: str, month: dict) -> dict:
	"""An unfiltered month in the filters each report takes."""
	if report == "Recycle Preview":
		return {"on_date": month["to_date"], "records": "Customer Account"}
	if report == "Sales Target Attainment":
		return {"from_month": month["from_date"], "to_month": month["from_date"]}
	if report in (
		"Resource Warning",
		"Product Stock Summary",
		"Sales Pipeline",
		"Customer Receivables",
	):
		return {}
	if report == "Receivables Ageing":
		return {"to_date": month["to_date"]}
	return dict(month)


def _handler_reads(frappe) -> int:
	rows = frappe.db.sql("show session status like 'Handler_read%'")
	return sum(int(v) for k, v in rows if k != "Handler_read_key")


def _naive(frappe, sources, month):
	"""The report's documents of the month through get_list (the user's permissions), grouped in Python."""
	groups = Counter()
	for source in sources:
		if callable(source):
			source(frappe, month, groups)
			continue
		doctype, date, columns, *further = source
		filters = [[date, ">=", month["from_date"]], [date, "<", month["end"]]] if date else []
		filters += [[k, "=", v] for k, v in (further[0] if further else {}).items()]
		meta = frappe.get_meta(doctype)
		columns = columns if isinstance(columns, tuple) else (columns,)
		fields = [c for c in columns if meta.has_field(c) or c in ("owner", "name", "creation")] or ["name"]
		for row in frappe.get_list(
			doctype, filters=filters, fields=fields, limit_page_length=0, as_list=True
		):
			groups[(doctype, *row)] += 1
	return groups


def _timed(fn, repeats: int) -> list[float]:
	samples = []
	for _ in range(repeats):
		began = time.perf_counter()
		fn()
		samples.append(time.perf_counter() - began)
		if samples[-1] > SLOW_SECONDS:
			break
	return samples


def run(frappe, scale: int, repeats: int = 3, **_):
	from frappe.desk.query_report import run as run_report
	from frappe.utils import add_days, add_months, get_first_day, get_last_day, getdate

	month_env = os.environ.get(
		"CRM_BENCH_MONTH"
	)  # e.g. 2026-10: the demo's customers are created up to 1 November
	start = getdate(f"{month_env}-01") if month_env else get_first_day(add_months(getdate(), -1))
	month = {"from_date": str(start), "to_date": str(get_last_day(start))}
	naive_month = {**month, "end": str(add_days(get_last_day(start), 1))}
	manager = frappe.db.get_value("User", {"name": ("like", "manager@%")}, "name")
	salesperson = frappe.db.get_value("User", {"name": ("like", "sales1@%")}, "name")
	people = {"manager": manager, "salesperson": salesperson, "admin": "Administrator"}
	only_who = [w for w in os.environ.get("CRM_BENCH_WHO", "").split(",") if w]
	only = [r.strip() for r in os.environ.get("CRM_BENCH_REPORTS", "").split(",") if r.strip()]
	reports = frappe.get_all(
		"Report",
		filters={
			"is_standard": "Yes",
			"report_type": ("in", ("Script Report", "Query Report")),
			"module": ("in", frappe.get_module_list("crm_suite")),
		},
		pluck="name",
		order_by="name",
	)
	sizes = {
		d: frappe.db.estimate_count(d) for d in ("Customer Account", "Follow Up Record", "Phone Call Record")
	}
	for report in reports:
		if only and report not in only:
			continue
		filters = _filters(report, month)
		for who, user in people.items():
			if only_who and who not in only_who or not user:
				continue
			frappe.set_user(user)

			def once(report=report, filters=filters):
				return run_report(
					report,
					filters=filters,
					ignore_prepared_report=True,
					are_default_filters=False,
				)

			try:
				before = _handler_reads(frappe)
				first = time.perf_counter()
				result = once()
				first = time.perf_counter() - first
				read = _handler_reads(frappe) - before
			except frappe.PermissionError:  # e.g. margins and import batches are not a salesperson's reports
				frappe.set_user("Administrator")
				print(json.dumps({"metric": "report_not_permitted", "report": report, "who": who}))
				continue
			except Exception as e:  # a report that fails is a finding, not the end of the survey
				frappe.db.rollback()
				frappe.set_user("Administrator")
				print(
					json.dumps(
						{"metric": "report_error", "report": report, "who": who, "error": str(e)[:300]}
					)
				)
				continue
			samples = [first] if first > SLOW_SECONDS else _timed(once, max(repeats, 5))
			base, base_read = [], None
			sources = NAIVE.get(report)
			if sources:
				before = _handler_reads(frappe)
				base = _timed(lambda sources=sources: _naive(frappe, sources, naive_month), 1)
				base_read = _handler_reads(frappe) - before
				if base[0] <= SLOW_SECONDS:
					base += _timed(lambda sources=sources: _naive(frappe, sources, naive_month), 2)
			frappe.set_user("Administrator")
			emit(
				f"report_{frappe.scrub(report)}_{who}",
				percentile(samples, 95) * 1000,
				"ms",
				percentile(base, 95) * 1000 if base else None,
				scale=scale,
				n=len(samples),
				p50_ms=round(percentile(samples, 50) * 1000, 3),
				lower_is_better=True,
				baseline_name="get_list of the report's documents + Python grouping, same user, same run",
				rows_read=read,
				baseline_rows_read=base_read,
				rows=len(result.get("result") or []),
				month=month["from_date"][:7],
				p95_target_ms=1000,
				met=percentile(samples, 95) <= 1.0,
				**{frappe.scrub(k): v for k, v in sizes.items()},
			)
