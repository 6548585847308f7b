"""Sales pipeline benchmarks (SPEC SALE-01, SALE-02, SALE-03) at `--scale` opportunities (200k for the issue's
figures) over the demo organisation with 300 extra salespeople (a manager of 202), about five history rows
each (1M at 200k).

- sales_kanban_salesperson / sales_kanban_manager: the server call Frappe's Kanban board makes for the
  default process's board (frappe.desk.reportview.get with the board's filters, the card fields, view Kanban,
  page length 0 as the board asks), answered where the app routes it (each stage column bounded), p95 as a
  salesperson and as the manager; baseline: Frappe's own reportview.get of the same request (every card), same
  user, same run.
- sales_stage_move: p95 of one move with its history row and Version through crm_suite.api.sales.move_stage's
  service (services/sales/stages.save_move), as the salesperson (rolled back); baseline: the Kanban drag as
  Frappe does it (board order saved, then frappe.client.set_value), same opportunities, same run; beside it
  the same move as a full Document.save (document_save_p95_ms).
- sales_conversion_report: the Opportunity Stage Conversion report (admin and manager); baseline: the
  per-document way — every history row read into Python and counted there.

The opportunities and their history are written once, committed, set-based (services/sales/bulk.py, the
demo loader's writer); later runs reuse them."""

import random
import statistics
import time

from harness import emit, emit_latency, median_seconds, percentile, wait_for_quiet_database

EXTRA_SALESPEOPLE = 300
REVISIT_RATE = 1.4  # back-and-forth moves per opportunity: about five history rows each


def _shape(frappe, scale: int) -> tuple[dict, str, int, int]:
	from crm_suite.demo.load import make_demo_org, write_opportunities
	from crm_suite.install import ensure_sales_defaults
	from crm_suite.sales.doctype.opportunity_stage_log import opportunity_stage_log
	from crm_suite.sales.doctype.sales_opportunity import sales_opportunity
	from crm_suite.services.sales.stages import default_process

	org = make_demo_org(extra_salespeople=EXTRA_SALESPEOPLE)
	ensure_sales_defaults()
	sales_opportunity.on_doctype_update()  # the indexes, on a site made before they were added
	opportunity_stage_log.on_doctype_update()
	frappe.db.commit()
	process = default_process()
	have = frappe.db.count("Sales Opportunity")
	if have < scale:
		reps = org["salespeople"]
		departments = dict(frappe.get_all("Sales Staff", fields=["user", "sales_department"], as_list=True))
		customers = frappe.get_all(
			"Customer Account",
			fields=["name", "customer_name"],
			limit=5000,
			order_by="name asc",
			as_list=True,
		)
		if not customers:  # a bare site: demo customers first
			from crm_suite.demo.load import load_customers

			load_customers(2000, salespeople=reps)
			customers = frappe.get_all(
				"Customer Account",
				fields=["name", "customer_name"],
				limit=5000,
				order_by="name asc",
				as_list=True,
			)
		pairs = [
			(*customers[i % len(customers)], reps[i % len(reps)], departments.get(reps[i % len(reps)]))
			for i in range(max(len(customers), len(reps) * 7))
		]
		written = write_opportunities(pairs, scale - have, seed=11, revisit_rate=REVISIT_RATE)
		made, history = written["opportunities"], written["history"]
		emit(
			"sales_bulk_insert_rows_per_second",
			(made + history) / written["opportunity_seconds"],
			"rows/s",
			None,
			scale=scale,
			n=made + history,
			opportunities=made,
			history_rows=history,
		)
		wait_for_quiet_database()
	total = frappe.db.count("Sales Opportunity")
	history = frappe.db.count("Opportunity Stage Log")
	return org, process, total, history


def _board_args(frappe, process: str, page_length: int = 0) -> dict:
	board = frappe.get_doc("Kanban Board", process)
	fields = [f"`tabSales Opportunity`.`{f}`" for f in ("name", "opportunity_title", "stage", "modified")]
	fields += [f"`tabSales Opportunity`.`{f}`" for f in frappe.parse_json(board.fields or "[]")]
	return {
		"doctype": "Sales Opportunity",
		"fields": fields,
		"filters": frappe.parse_json(board.filters or "[]"),
		"order_by": "`tabSales Opportunity`.`modified` desc",
		"start": 0,
		"page_length": page_length,
		"view": "Kanban",
		"with_comment_count": True,
	}


def _board_samples(frappe, user: str, args: dict, repeats: int, method) -> tuple[list[float], int]:
	"""`repeats` calls of `method` (a reportview.get) as `user` with the request's form_dict."""
	frappe.set_user(user)
	rows = 0
	samples = []
	for _ in range(repeats):
		frappe.local.form_dict = frappe._dict(args)
		began = time.perf_counter()
		result = method()
		samples.append(time.perf_counter() - began)
		rows = len(result.get("values") or []) if isinstance(result, dict) else len(result or [])
	frappe.set_user("Administrator")
	return samples, rows


def run(frappe, scale: int, repeats: int = 3, **_):
	from crm_suite.sales.report.opportunity_stage_conversion import opportunity_stage_conversion
	from crm_suite.services.sales import stages as stage_service
	from frappe.desk.doctype.kanban_board.kanban_board import update_order_for_single_card

	org, process, total, history = _shape(frappe, scale)
	salesperson, manager = org["salespeople"][2], org["manager"]
	frappe.db.commit()
	n = max(20, repeats * 10)

	# --- Kanban board load, as the board asks (view Kanban, page length 0): the app's answer (each stage
	# column bounded, crm_suite.api.overrides.reportview_get, where the request is routed) vs. Frappe's own
	# reportview.get of the same request (every card), as the same user
	from crm_suite.api.overrides import reportview_get
	from frappe.desk.reportview import get as frappe_get

	args = _board_args(frappe, process, 0)
	for who, user in (("salesperson", salesperson), ("manager", manager)):
		samples, rows = _board_samples(frappe, user, args, n, reportview_get)
		frappe_n = n if total <= 50_000 else 10  # every card of a manager's board at 200k takes seconds
		baseline, baseline_rows = _board_samples(frappe, user, args, frappe_n, frappe_get)
		emit_latency(
			f"sales_kanban_{who}_p95_ms",
			samples,
			baseline,
			total,
			"Frappe's reportview.get of the same board request (every card), same user",
			cards=rows,
			baseline_cards=baseline_rows,
		)

	# --- stage move with its history row (rolled back), vs. Frappe's Kanban drag on the same rows, each as
	# the opportunity's salesperson; both complete the move (the drag's feedback note is put on the row first)
	o = frappe.qb.DocType("Sales Opportunity")
	candidates = (
		frappe.qb.from_(o)
		.select(o.name, o.stage, o.salesperson)
		.where((o.status == "Open") & (o.stage == "初步接洽"))
		.orderby(o.name)
		.limit(n + 5)
		.run(as_dict=True)
	)
	move_samples, drag_samples, save_samples = [], [], []

	def app_move(row):
		stage_service.move_stage(
			row.name, "需求确认", feedback="bench", expected_stage=row.stage, values={"needs": "bench"}
		)

	def document_save(row):  # the same move as a full Document.save (how moves were saved before save_move)
		doc = frappe.get_doc("Sales Opportunity", row.name)
		doc.flags.expected_stage = row.stage
		doc.needs, doc.stage, doc.stage_feedback = "bench", "需求确认", "bench"
		doc.save()

	# the two alternate on the same rows (each rolled back), so drift in the machine's speed hits both alike
	for i, row in enumerate(candidates):
		pair = ((app_move, move_samples), (document_save, save_samples))
		for fn, samples in pair if i % 2 else reversed(pair):
			frappe.set_user(row.salesperson)
			began = time.perf_counter()
			fn(row)
			if i >= 5:  # the first moves warm the caches
				samples.append(time.perf_counter() - began)
			frappe.db.rollback()
	for i, row in enumerate(candidates):
		frappe.set_user("Administrator")
		frappe.db.set_value(
			"Sales Opportunity",
			row.name,
			{"needs": "bench", "stage_feedback": "bench"},
			update_modified=False,
		)
		frappe.set_user(row.salesperson)
		began = time.perf_counter()
		update_order_for_single_card(process, row.name, row.stage, "需求确认", 0, 0)
		if i >= 5:
			drag_samples.append(time.perf_counter() - began)
		frappe.db.rollback()
	frappe.set_user("Administrator")
	emit_latency(
		"sales_stage_move_p95_ms",
		move_samples,
		drag_samples,
		total,
		"Frappe's Kanban drag (board order saved, frappe.client.set_value) on the same rows",
		history_rows=history,
		document_save_p95_ms=round(percentile(save_samples, 95) * 1000, 3),
		document_save_p50_ms=round(percentile(save_samples, 50) * 1000, 3),
	)
	# --- stage conversion report, vs. reading every history row into Python
	wait_for_quiet_database()
	report_admin, _ = median_seconds(lambda: opportunity_stage_conversion.execute({}), repeats)
	frappe.set_user(manager)
	report_manager, _ = median_seconds(lambda: opportunity_stage_conversion.execute({}), repeats)
	frappe.set_user("Administrator")

	def per_document():
		rows = frappe.get_all(
			"Opportunity Stage Log",
			filters={"sales_process": process},
			fields=["opportunity", "from_stage", "to_stage", "days_in_previous_stage"],
			limit_page_length=0,
		)
		reached: dict[str, set] = {}
		days: dict[str, list] = {}
		for r in rows:
			reached.setdefault(r.to_stage, set()).add(r.opportunity)
			if r.from_stage:
				days.setdefault(r.from_stage, []).append(r.days_in_previous_stage)
		return {s: statistics.median(v) for s, v in days.items()}, {s: len(v) for s, v in reached.items()}

	baseline, _ = median_seconds(per_document, 1)
	emit(
		"sales_conversion_report_seconds",
		report_admin,
		"s",
		baseline,
		scale=total,
		n=repeats,
		lower_is_better=True,
		history_rows=history,
		manager_seconds=round(report_manager, 4),
		baseline_name="every history row read into Python and counted there",
	)
	random.seed(0)
