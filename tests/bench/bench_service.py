"""Service benchmark (SPEC SVC-02, SVC-03): the complaint and work-order lists at `--scale` rows each, and the
complaint escalation job over them.

- Lists: the Desk list view's two requests (a page of 20 rows by `modified`, the count capped at 1001) for a
  salesperson on Customer Complaint and for an engineer on Service Work Order, both row-scoped; baseline: the
  same requests unscoped (Administrator), in the same run. Target p95 ≤ 50 ms.
- Escalation: `escalate_overdue_complaints` (one UPDATE marks every overdue open complaint with its manager,
  one INSERT … SELECT writes their handling steps, one UPDATE marks them announced, one notice per manager)
  over `--scale` open complaints, 10 % of them overdue; baseline: the per-document loop
  (`escalate_per_document`, each complaint loaded and changed on its own) timed on a sample of LOOP_SAMPLE
  overdue complaints and extrapolated to all of them, in the same run. Target ≤ 5 s at 500k. Each job run
  is rolled back, so every repeat starts from the same rows.

The rows are generated set-based (MariaDB's SEQUENCE engine) once and committed (`BSVC-` names); a rerun with
the same or a smaller --scale reuses them. Salespeople and engineers are spread over 200 and 100 names, the
measured ones holding their share; responsible people are the site's sales staff where it has some."""

import time

from harness import emit, emit_latency, wait_for_quiet_database

PREFIX = "BSVC-"
SALESPEOPLE = 200
ENGINEERS = 100
LOOP_SAMPLE = 1000
# seconds to wait for MariaDB to settle between steps (other work on a shared machine never lets it go quiet)
QUIET_WAIT = 30
BENCH_SALES = "bench-svc-rep@crm-suite.test"
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


def _fill(frappe, scale: int):
	staff = frappe.get_all("Sales Staff", filters={"enabled": 1}, pluck="user", limit=50) or [BENCH_SALES]
	people = ", ".join(frappe.db.escape(u) for u in staff)
	k = len(staff)
	chunk = 100000
	# salesperson / engineer number 0 is the measured user
	salesperson = (
		f"if(seq % {SALESPEOPLE} = 0, {frappe.db.escape(BENCH_SALES)}, concat('rep', seq % {SALESPEOPLE}))"
	)
	engineer = (
		f"if(seq % {ENGINEERS} = 0, {frappe.db.escape(BENCH_ENGINEER)}, concat('eng', seq % {ENGINEERS}))"
	)
	have = _have(frappe, "Customer Complaint")
	for first in range(have + 1, scale + 1, chunk):
		seq = f"seq_{first}_to_{min(scale, first + chunk - 1)}"
		# every complaint open, one in ten past its deadline
		frappe.db.sql(
			f"""insert into `tabCustomer Complaint` (name, creation, modified, owner, modified_by, docstatus,
				naming_series, subject, customer, customer_name, severity, reported_on, deadline, workflow_state,
				responsible_person, salesperson, escalated, escalation_notified)
			select concat('{PREFIX}', seq), now(), now() - interval seq second, 'Administrator', 'Administrator', 0,
				'TS-.YYYY.-', concat('压测投诉', seq), concat('BSVC-CUST-', seq % 5000), '压测客户', '一般',
				now() - interval 1 day, if(seq % 10 = 0, now() - interval 1 hour, now() + interval 2 day),
				if(seq % 2 = 0, 'Open', 'In Progress'), elt(1 + seq % {k}, {people}), {salesperson}, 0, 0
			from {seq}"""
		)
		frappe.db.commit()
	have = _have(frappe, "Service Work Order")
	states = ", ".join(frappe.db.escape(s) for s in STATES)
	for first in range(have + 1, scale + 1, chunk):
		seq = f"seq_{first}_to_{min(scale, first + chunk - 1)}"
		frappe.db.sql(
			f"""insert into `tabService Work Order` (name, creation, modified, owner, modified_by, docstatus,
				naming_series, service_request, request_type, customer, customer_name, engineer, scheduled_start,
				workflow_state, salesperson)
			select concat('{PREFIX}', seq), now(), now() - interval seq second, 'Administrator', 'Administrator', 0,
				'GD-.YYYY.-', concat('BSVC-REQ-', seq), 'Repair', concat('BSVC-CUST-', seq % 5000), '压测客户',
				{engineer}, now(), elt(1 + (seq div 7) % 4, {states}), {salesperson}
			from {seq}"""
		)
		frappe.db.commit()


def list_requests(frappe, doctype: str):
	from frappe.desk.reportview import execute

	table = f"`tab{doctype}`"
	fields = [
		f"{table}.`{f}`" for f in ("name", "customer_name", "workflow_state", "salesperson", "modified")
	]
	rows = execute(doctype, fields=fields, order_by=f"{table}.`modified` desc", page_length=20)
	partial = execute(doctype, fields=[f"{table}.`name`"], limit=1001, run=0)
	count = frappe.db.sql(f"select count(*) from ({partial}) p")[0][0]
	return rows, count


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
	from crm_suite.services.complaints import escalate_overdue_complaints, escalate_per_document

	ensure_roles()
	ensure_service_masters()
	_user(frappe, BENCH_SALES, "CRM Salesperson")
	_user(frappe, BENCH_ENGINEER, "CRM Service Engineer")
	frappe.db.commit()
	_fill(frappe, scale)
	wait_for_quiet_database(timeout=QUIET_WAIT)
	complaints = _have(frappe, "Customer Complaint")
	orders = _have(frappe, "Service Work Order")

	n = max(50, repeats * 20)
	for label, doctype, user, total in (
		("complaint_list_p95_salesperson", "Customer Complaint", BENCH_SALES, complaints),
		("work_order_list_p95_engineer", "Service Work Order", BENCH_ENGINEER, orders),
	):
		base = measure(frappe, doctype, "Administrator", n)
		samples = measure(frappe, doctype, user, n)
		emit_latency(label, samples, base, total, "same requests, unscoped (Administrator)")

	overdue = frappe.db.count(
		"Customer Complaint", {"escalated": 0, "deadline": ("<", frappe.utils.now_datetime())}
	)
	job = []
	for _ in range(max(1, repeats)):
		began = time.perf_counter()
		announced = escalate_overdue_complaints()
		job.append(time.perf_counter() - began)
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
		baseline_name=f"per-document loop, {looped} complaints timed, extrapolated to {overdue}",
		baseline_sample_seconds=round(loop_seconds, 3),
		lower_is_better=True,
	)
