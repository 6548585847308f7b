"""Service benchmark (SPEC SVC-02, SVC-03, ORG-03): the complaint and work-order lists at `--scale` rows each,
and the complaint escalation job over them.

- Lists: the Desk list view's two requests as `frappe.desk.reportview` runs them (a page of 20 rows by
  `modified`; `get_count`'s names capped at 1001, no order) row-scoped for a salesperson handling their own
  complaints, a salesperson sharing complaints with a colleague, an engineer and a salesperson on work
  orders; baseline: the same requests unscoped (Administrator), in the same run. Beside each p95: the
  EXPLAIN of the page and the count and the rows InnoDB read for them (the session's Handler_read_*
  counters: independent of the machine's load). Target p95 ≤ 50 ms.
- Escalation: `escalate_overdue_complaints` (one transaction: a count per responsible person, one INSERT …
  SELECT of the handling steps, one UPDATE marking the complaints escalated and announced, one notice per
  manager) over `--scale` open complaints, 10 % of each salesperson's overdue, with the rows read and
  written; baseline: the per-document loop (`escalate_per_document`, each complaint loaded and changed on
  its own) timed on a sample of LOOP_SAMPLE overdue complaints and extrapolated to all of them, in the same
  run. Target ≤ 5 s at 500k. Each job run is rolled back, so every repeat starts from the same rows.

The rows are generated set-based (MariaDB's SEQUENCE engine) once and committed (`BSVC-` names); a rerun with
the same or a smaller --scale reuses them. Salespeople (Sales Staff in DEPARTMENTS departments, each with a
manager) and engineers are spread over 200 and 100 names, the measured ones holding their share."""

import os
import time

from harness import emit, emit_latency, wait_for_quiet_database

PREFIX = "BSVC-"
SALESPEOPLE = 200
ENGINEERS = 100
DEPARTMENTS = 10
CUSTOMERS = 5000
LOOP_SAMPLE = 1000
# seconds to wait for MariaDB to settle between steps (other work on a shared machine never lets it go quiet)
QUIET_WAIT = 30
BENCH_SALES = "bench-svc-rep@crm-suite.test"
# salesperson number SALESPEOPLE // 2, who hands complaints to a colleague and handles a colleague's
BENCH_SHARING = "bench-svc-rep-sharing@crm-suite.test"
BENCH_ENGINEER = "bench-svc-engineer@crm-suite.test"
STATES = ("Draft", "Dispatched", "In Progress", "Completed")


def _user(frappe, email: str, role: str) -> str:
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"send_welcome_email": 0,
				"roles": [{"role": role}],
			}
		).insert(ignore_permissions=True)
	return email


def _have(frappe, doctype: str) -> int:
	return frappe.db.sql(f"select count(*) from `tab{doctype}` where name like %s", (f"{PREFIX}%",))[0][0]


def _rep(frappe, seq: str, count: int, first: str, prefix: str, measured: dict | None = None) -> str:
	"""SQL for person number `seq` % count: number 0 is the measured user `first`, the numbers in `measured`
	the users given there, the others `prefix`N."""
	number = f"(({seq}) % {count})"
	people = {0: first, **(measured or {})}
	cases = " ".join(f"when {n} then {frappe.db.escape(user)}" for n, user in people.items())
	return f"case {number} {cases} else concat('{prefix}', {number}) end"


def _organisation(frappe):
	"""The salespeople as Sales Staff in DEPARTMENTS departments, each with a manager (a real user, who gets
	the escalation notice): the escalation job's targets as on a real site."""
	from frappe.utils.nestedset import rebuild_tree

	if frappe.db.exists("Sales Department", f"{PREFIX}DEPT-0"):
		return
	now = frappe.utils.now_datetime()
	for d in range(DEPARTMENTS):
		frappe.db.sql(
			"""insert into `tabSales Department` (name, department_name, is_group, lft, rgt, creation, modified,
				owner, modified_by, docstatus, idx) values (%s, %s, 0, 0, 0, %s, %s, 'Administrator', 'Administrator', 0, 0)""",
			(f"{PREFIX}DEPT-{d}", f"{PREFIX}DEPT-{d}", now, now),
		)
		manager = _user(frappe, f"bench-svc-manager{d}@crm-suite.test", "CRM Manager")
		frappe.db.sql(
			"""insert into `tabSales Staff` (name, user, sales_department, manages_subordinates, enabled, creation,
				modified, owner, modified_by, docstatus, idx) values (%s, %s, %s, 1, 1, %s, %s, 'Administrator', 'Administrator', 0, 0)""",
			(manager, manager, f"{PREFIX}DEPT-{d}", now, now),
		)
	frappe.db.sql(
		f"""insert into `tabSales Staff` (name, user, sales_department, manages_subordinates, enabled, creation,
			modified, owner, modified_by, docstatus, idx)
		select u, u, concat('{PREFIX}DEPT-', seq % {DEPARTMENTS}), 0, 1, now(), now(), 'Administrator',
			'Administrator', 0, 0
		from (select seq, {_rep(frappe, "seq", SALESPEOPLE, BENCH_SALES, "rep", {SALESPEOPLE // 2: BENCH_SHARING})} u
			from seq_0_to_{SALESPEOPLE - 1}) s"""
	)
	rebuild_tree("Sales Department")
	frappe.db.commit()


def _fill(frappe, scale: int):
	from crm_suite.permissions.service import ENGINEER_VISIBLE_STATES

	chunk = 100000
	# salesperson / engineer number 0 is the measured user; the customer's salesperson is the complaint's;
	# the first half of the salespeople handle their customers' complaints themselves, each of the second half
	# hands one complaint in ten to a colleague of that half (and handles one in ten of a colleague's)
	half = SALESPEOPLE // 2
	measured = {half: BENCH_SHARING}
	salesperson = _rep(frappe, "seq", SALESPEOPLE, BENCH_SALES, "rep", measured)
	colleague = _rep(
		frappe,
		f"{half} + (seq % {SALESPEOPLE} - {half} + 20) % {half}",
		SALESPEOPLE,
		BENCH_SALES,
		"rep",
		measured,
	)
	responsible = (
		f"if(seq % {SALESPEOPLE} >= {half} and (seq div {SALESPEOPLE}) % 10 = 3, {colleague}, {salesperson})"
	)
	engineer = _rep(frappe, "seq", ENGINEERS, BENCH_ENGINEER, "eng")
	have = _have(frappe, "Customer Complaint")
	for first in range(have + 1, scale + 1, chunk):
		seq = f"seq_{first}_to_{min(scale, first + chunk - 1)}"
		# every complaint open, one in ten of each salesperson's past its deadline
		frappe.db.sql(
			f"""insert into `tabCustomer Complaint` (name, creation, modified, owner, modified_by, docstatus,
				naming_series, subject, customer, customer_name, severity, reported_on, deadline, workflow_state,
				responsible_person, salesperson, escalated, escalation_notified)
			select concat('{PREFIX}', seq), now(), now() - interval seq second, 'Administrator', 'Administrator', 0,
				'TS-.YYYY.-', concat('压测投诉', seq), concat('BSVC-CUST-', seq % {CUSTOMERS}), '压测客户', '一般',
				now() - interval 1 day, if((seq div {SALESPEOPLE}) % 10 = 0, now() - interval 1 hour, now() + interval 2 day),
				if(seq % 2 = 0, 'Open', 'In Progress'), {responsible}, {salesperson}, 0, 0
			from {seq}"""
		)
		frappe.db.commit()
	have = _have(frappe, "Service Work Order")
	states = ", ".join(frappe.db.escape(s) for s in STATES)
	visible = ", ".join(frappe.db.escape(s) for s in ENGINEER_VISIBLE_STATES)
	for first in range(have + 1, scale + 1, chunk):
		seq = f"seq_{first}_to_{min(scale, first + chunk - 1)}"
		frappe.db.sql(
			f"""insert into `tabService Work Order` (name, creation, modified, owner, modified_by, docstatus,
				naming_series, service_request, request_type, customer, customer_name, engineer, scheduled_start,
				workflow_state, dispatched_to, salesperson)
			select name, creation, modified, owner, modified_by, docstatus, naming_series, service_request,
				request_type, customer, customer_name, engineer, scheduled_start, workflow_state,
				if(workflow_state in ({visible}), engineer, null), salesperson
			from (select concat('{PREFIX}', seq) name, now() creation, now() - interval seq second modified,
				'Administrator' owner, 'Administrator' modified_by, 0 docstatus, 'GD-.YYYY.-' naming_series,
				concat('BSVC-REQ-', seq) service_request, 'Repair' request_type,
				concat('BSVC-CUST-', seq % {CUSTOMERS}) customer, '压测客户' customer_name, {engineer} engineer,
				now() scheduled_start, elt(1 + (seq div 7) % 4, {states}) workflow_state, {salesperson} salesperson
				from {seq}) w"""
		)
		frappe.db.commit()


def list_requests(frappe, doctype: str, run: bool = True):
	"""The Desk list view's two requests: a page of 20 by `modified` (`frappe.desk.reportview.get`) and the
	count capped at 1001 (`get_count`: the names under the list's default order, counted). With run=False,
	their SQL."""
	from frappe.desk.reportview import execute

	table = f"`tab{doctype}`"
	fields = [
		f"{table}.`{f}`" for f in ("name", "customer_name", "workflow_state", "salesperson", "modified")
	]
	page = execute(
		doctype,
		fields=fields,
		order_by=f"{table}.`modified` desc",
		page_length=20,
		run=run,
	)
	partial = execute(doctype, fields=[f"{table}.`name`"], order_by=None, limit=1001, run=0)
	count = f"select count(*) from ({partial}) p"
	if not run:
		return page, count
	return page, frappe.db.sql(count)[0][0]


def _handler_reads(frappe) -> dict[str, int]:
	return {
		name: int(value)
		for name, value in frappe.db.sql("show session status where Variable_name like 'Handler_%'")
	}


def rows_read(frappe, query: str) -> tuple[int, dict]:
	"""The rows InnoDB handed to the server for `query` (Handler_read_* and writes, this session only:
	independent of the machine's load), and the counters that moved."""
	before = _handler_reads(frappe)
	frappe.db.sql(query)
	after = _handler_reads(frappe)
	moved = {
		k.removeprefix("Handler_"): after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)
	}
	reads = sum(v for k, v in moved.items() if k.startswith("read_"))
	return reads, moved


def plan(frappe, query: str) -> str:
	"""EXPLAIN in one line per table: access type, key, estimated rows, Extra."""
	return "; ".join(
		f"{r['table']}: {r['type']} {r['key'] or '-'} rows~{r['rows']} {r['Extra'] or ''}".strip()
		for r in frappe.db.sql(f"explain {query}", as_dict=True)
	)


def evidence(frappe, doctype: str, user: str) -> dict:
	"""EXPLAIN and rows read of the page and the count as `user` runs them."""
	from crm_suite.permissions.scope import clear_scope_cache

	frappe.set_user(user)
	clear_scope_cache()
	page, count = list_requests(frappe, doctype, run=False)
	found = {}
	for label, query in (("page", page), ("count", count)):
		frappe.db.sql(query)  # warm
		reads, moved = rows_read(frappe, query)
		found[f"rows_read_{label}"] = reads
		found[f"plan_{label}"] = plan(frappe, query)
	frappe.set_user("Administrator")
	return found


def measure(frappe, doctype: str, user: str, n: int) -> list[float]:
	from crm_suite.permissions.scope import clear_scope_cache

	frappe.set_user(user)
	clear_scope_cache()
	list_requests(frappe, doctype)  # warm the scope cache and the buffer pool, as a user's first click does
	samples = []
	for _ in range(n):
		began = time.perf_counter()
		rows, count = list_requests(frappe, doctype)
		samples.append(time.perf_counter() - began)
	assert rows and count, f"the {doctype} list must return rows for {user}"
	frappe.set_user("Administrator")
	return samples


def run(frappe, scale: int, repeats: int = 3, **_):
	from crm_suite.install import ensure_roles, ensure_service_masters
	from crm_suite.services.complaints import (
		escalate_overdue_complaints,
		escalate_per_document,
	)

	ensure_roles()
	ensure_service_masters()
	_user(frappe, BENCH_SALES, "CRM Salesperson")
	_user(frappe, BENCH_SHARING, "CRM Salesperson")
	_user(frappe, BENCH_ENGINEER, "CRM Service Engineer")
	frappe.db.commit()
	_organisation(frappe)
	began = time.perf_counter()
	_fill(frappe, scale)
	generated = time.perf_counter() - began
	wait_for_quiet_database(timeout=QUIET_WAIT)
	complaints = _have(frappe, "Customer Complaint")
	orders = _have(frappe, "Service Work Order")

	n = max(50, repeats * 20)
	for label, doctype, user, total in (
		("complaint_list_p95_salesperson", "Customer Complaint", BENCH_SALES, complaints),
		("complaint_list_p95_salesperson_sharing", "Customer Complaint", BENCH_SHARING, complaints),
		("work_order_list_p95_engineer", "Service Work Order", BENCH_ENGINEER, orders),
		("work_order_list_p95_salesperson", "Service Work Order", BENCH_SALES, orders),
	):
		base = measure(frappe, doctype, "Administrator", n)
		samples = measure(frappe, doctype, user, n)
		scoped = evidence(frappe, doctype, user)
		unscoped = evidence(frappe, doctype, "Administrator")
		emit_latency(
			label,
			samples,
			base,
			total,
			"same requests, unscoped (Administrator)",
			load_average=round(os.getloadavg()[0], 2),
			**scoped,
			baseline_rows_read_page=unscoped["rows_read_page"],
			baseline_rows_read_count=unscoped["rows_read_count"],
		)

	overdue = frappe.db.count(
		"Customer Complaint",
		{"escalated": 0, "deadline": ("<", frappe.utils.now_datetime())},
	)
	job, handled = [], {}
	for _ in range(max(1, repeats)):
		before = _handler_reads(frappe)
		began = time.perf_counter()
		announced = escalate_overdue_complaints()
		job.append(time.perf_counter() - began)
		after = _handler_reads(frappe)
		handled = {
			k.removeprefix("Handler_"): after[k] - before.get(k, 0)
			for k in after
			if after[k] != before.get(k, 0)
		}
		frappe.db.rollback()
		wait_for_quiet_database(timeout=QUIET_WAIT)
	began = time.perf_counter()
	looped = escalate_per_document(limit=LOOP_SAMPLE)
	loop_seconds = time.perf_counter() - began
	frappe.db.rollback()
	per_row = loop_seconds / max(1, looped)
	job.sort()
	emit(
		"escalation_job_seconds",
		job[len(job) // 2],
		"s",
		per_row * overdue,
		scale=complaints,
		n=len(job),
		overdue=overdue,
		managers_notified=len(announced),
		rows_read=sum(v for k, v in handled.items() if k.startswith("read_")),
		handler=handled,
		load_average=round(os.getloadavg()[0], 2),
		generated_seconds=round(generated, 1),
		baseline_name=f"per-document loop, {looped} complaints timed, extrapolated to {overdue}",
		baseline_sample_seconds=round(loop_seconds, 3),
		lower_is_better=True,
	)
