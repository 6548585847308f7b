"""Pool benchmarks (SPEC POOL-05, POOL-02) at the site's scale (build 1M with crm_suite.demo.load first).

- pool_recycle: 100k of the customers overdue across 5 pools x 3 rules, recycled set-based (log rows and
  notifications included) the way the daily job does it: committed batch by batch, shared with jobs on the
  long queue (CRM Suite Settings → Parallel Recycle Jobs; the benchmark starts that many long-queue workers
  less one for the measurement, as production runs them) and by one connection alone, vs. a per-document
  get_doc().save() loop on a sample, same run.
- pool_claim: p95 of one direct claim (locks, every limit counted) vs. a per-document claim.

The site is shaped once (committed, set-based): 5 bench pools with rules, two thirds of the customers
owned by the demo salespeople (with their departments), recent claims and contacts, then 100k made
overdue. A committed recycle run is undone from a snapshot of the rows it could move (and its log and
notification rows deleted), so runs repeat on the same data; the other measurements roll back."""

import time
from datetime import timedelta

from harness import emit, emit_latency, long_workers, wait_for_quiet_database

POOLS = [f"Bench Pool {i}" for i in range(1, 6)]
RULES = [
	{"rule_type": "Not Contacted After Claim", "days": 7, "warn_days": 2},
	{"rule_type": "No Follow Up", "days": 30},
	{"rule_type": "No Deal", "days": 90},
]
DUE = 100_000
CLAIMER = "bench-claimer@crm-suite.demo"


def _shape(frappe, now) -> int:
	"""Idempotent: pools, owners and dates set-based; returns how many customers are overdue."""
	from crm_suite.demo.load import ensure_user, make_demo_org

	org = make_demo_org(extra_salespeople=20)
	ensure_user(CLAIMER, "Bench", ["CRM Salesperson"])
	strategy = "Bench Strategy"
	if not frappe.db.exists("Pool Strategy", strategy):
		frappe.get_doc(
			{
				"doctype": "Pool Strategy",
				"strategy_name": strategy,
				"max_owned": 100000,
				"max_claims_per_day": 100000,
			}
		).insert(ignore_permissions=True)
	for name in POOLS:
		if not frappe.db.exists("Customer Pool", name):
			frappe.get_doc(
				{"doctype": "Customer Pool", "pool_name": name, "strategy": strategy, "rules": RULES}
			).insert(ignore_permissions=True)
		pool_doc = frappe.get_doc("Customer Pool", name)
		if CLAIMER not in {m.user for m in pool_doc.members}:
			pool_doc.append("members", {"user": CLAIMER})
			pool_doc.save(ignore_permissions=True)
	frappe.db.commit()
	_sync_departments(frappe)
	marker = frappe.db.sql(
		"select count(*) from `tabCustomer Account` where customer_pool like 'Bench Pool %%' "
		"and lifecycle_state = 'Following' and claimed_on < %s",
		now - timedelta(days=7),
	)[0][0]
	if marker >= DUE:
		return marker
	users = org["salespeople"]
	elt = ", ".join(frappe.db.escape(u) for u in users)
	pool_elt = ", ".join(frappe.db.escape(p) for p in POOLS)
	frappe.db.sql(
		f"""update `tabCustomer Account` set
			customer_pool = elt(1 + crc32(name) %% 5, {pool_elt}),
			salesperson = if(crc32(name) %% 3 = 0, null, elt(1 + crc32(concat('u', name)) %% {len(users)}, {elt})),
			lifecycle_state = if(crc32(name) %% 3 = 0, 'Pool', if(crc32(name) %% 17 = 0, 'Deal', 'Following')),
			claimed_on = if(crc32(name) %% 3 = 0, null, %(now)s - interval (1 + crc32(name) %% 5) day),
			last_contact_on = if(crc32(name) %% 3 = 0, null, %(now)s - interval (crc32(name) %% 12) hour),
			locked = 0, protected_until = null""",
		{"now": now},
	)
	frappe.db.commit()
	# 100k of the owned customers overdue, a third under each rule
	frappe.db.sql(
		"""update `tabCustomer Account` c join (
			select name from `tabCustomer Account` where lifecycle_state = 'Following' order by name limit %(due)s
		) d on d.name = c.name set
			c.claimed_on = case crc32(concat('r', c.name)) %% 3
				when 0 then %(now)s - interval 10 day when 1 then %(now)s - interval 50 day
				else %(now)s - interval 100 day end,
			c.last_contact_on = case crc32(concat('r', c.name)) %% 3
				when 0 then null when 1 then %(now)s - interval 40 day else %(now)s - interval 1 day end""",
		{"now": now, "due": DUE},
	)
	frappe.db.commit()
	return DUE


def _sync_departments(frappe):
	"""Owned customers carry their salesperson's department, pool customers none (as the app keeps them)."""
	frappe.db.sql(
		"""update `tabCustomer Account` c join `tabSales Staff` s on s.user = c.salesperson
		set c.sales_department = s.sales_department
		where not (c.sales_department <=> s.sales_department)"""
	)
	frappe.db.sql(
		"update `tabCustomer Account` set sales_department = null "
		"where salesperson is null and sales_department is not null"
	)
	frappe.db.commit()


SNAPSHOT = "crm_bench_recycle_snapshot"
RESTORED = (
	"salesperson",
	"sales_department",
	"lifecycle_state",
	"customer_pool",
	"modified",
	"modified_by",
	"last_released_by",
	"last_released_on",
)


def _committed_recycle(frappe, now, jobs: int) -> tuple[float, int, int]:
	"""One committed run of the daily job's recycling; the database is put back as it was afterwards.
	Returns (seconds, customers recycled, former owners notified)."""
	from crm_suite.services.pool.kinds import CUSTOMER
	from crm_suite.services.recycle import notices, rules, run

	shortest = min(r.days for r in rules.load_rules(CUSTOMER))
	cols = ", ".join(f"`{c}`" for c in RESTORED)
	frappe.db.sql_ddl(f"drop table if exists `{SNAPSHOT}`")
	frappe.db.sql(
		f"""create table `{SNAPSHOT}` (primary key (`name`)) as
		select `name`, {cols} from `tabCustomer Account`
		where lifecycle_state in ('Following', 'Pending', 'Deal') and claimed_on < %s""",
		now - timedelta(days=shortest),
	)
	# every run announces its own recycling, as each daily run does (the mark is put back afterwards)
	mark = notices.ANNOUNCED_UNTIL[CUSTOMER.doctype]
	announced = frappe.db.get_single_value("CRM Suite Settings", mark, cache=False)
	frappe.db.commit()
	wait_for_quiet_database()  # the previous run's restore is purged in the background
	began_at = frappe.utils.now_datetime()
	began = time.perf_counter()
	result = run.run_recycle(now=now, commit=True, connections=jobs)
	seconds = time.perf_counter() - began
	logged = frappe.db.sql(
		f"select count(*), count(distinct customer), sum(customer not in (select name from `{SNAPSHOT}`)) "
		"from `tabCustomer Ownership Log` where action = 'Recycle' and done_at = %s",
		now,
	)[0]
	assert logged[0] == logged[1] == result["recycled"] and not logged[2], (logged, result)
	sets = ", ".join(f"c.`{c}` = s.`{c}`" for c in RESTORED)
	frappe.db.sql(f"update `tabCustomer Account` c join `{SNAPSHOT}` s on s.name = c.name set {sets}")
	frappe.db.sql("delete from `tabCustomer Ownership Log` where action = 'Recycle' and done_at = %s", now)
	frappe.db.sql(
		"delete from `tabNotification Log` where document_type = 'Customer Account' "
		"and link like '/app/query-report/Recycle Preview%%' and creation >= %s",
		began_at,
	)
	frappe.db.sql_ddl(f"drop table `{SNAPSHOT}`")
	frappe.db.set_single_value("CRM Suite Settings", mark, announced, update_modified=False)
	frappe.db.commit()
	return seconds, result["recycled"], result["notified"]


def run(frappe, scale: int, repeats: int = 3, **_):
	from crm_suite.services import recycle
	from crm_suite.services.ownership import log_ownership_changes
	from crm_suite.services.pool import claims
	from frappe.utils import now_datetime

	now = now_datetime().replace(microsecond=0)
	due = _shape(frappe, now)
	total = frappe.db.count("Customer Account")
	frappe.db.commit()

	# --- recycle, set-based and committed, as the daily job runs it (each run undone afterwards)
	jobs = recycle.run.recycle_jobs()
	runs = max(1, min(repeats, 3))
	samples, single, recycled, notified = [], [], 0, 0
	with long_workers(jobs - 1):
		for _ in range(runs):
			seconds, recycled, notified = _committed_recycle(frappe, now, jobs)
			samples.append(seconds)
	for _ in range(runs if jobs > 1 else 0):
		single.append(_committed_recycle(frappe, now, 1)[0])
	set_seconds = sorted(samples)[len(samples) // 2]

	# --- baseline: the per-document loop on a sample of the same overdue customers
	sample = [r.name for r in recycle.preview(on_date=now, limit=100)][:300]
	began = time.perf_counter()
	for name in sample:
		doc = frappe.get_doc("Customer Account", name)
		previous = doc.salesperson
		doc.flags.pool_service = True
		doc.last_released_by, doc.last_released_on = previous, now
		doc.salesperson, doc.sales_department, doc.lifecycle_state = None, None, "Pool"
		doc.save(ignore_permissions=True)
		log_ownership_changes(
			[{"customer": name, "from_salesperson": previous, "to_pool": doc.customer_pool}], "Recycle"
		)
	per_doc = (time.perf_counter() - began) / max(1, len(sample))
	frappe.db.rollback()
	per_customer = set_seconds / max(1, recycled)
	emit(
		"pool_recycle_seconds",
		set_seconds,
		"s",
		per_doc * recycled,
		scale=total,
		n=recycled,
		lower_is_better=True,
		due=due,
		owners_notified=notified,
		per_customer_ms=round(per_customer * 1000, 4),
		baseline_per_customer_ms=round(per_doc * 1000, 3),
		baseline_name="per-document get_doc().save() loop (sampled, extrapolated)",
		samples=[round(s, 3) for s in samples],
		jobs=jobs,
		one_connection_seconds=round(sorted(single)[len(single) // 2], 3) if single else None,
		one_connection_samples=[round(s, 3) for s in single],
	)

	# --- claim p95 (a fresh salesperson; every limit counted on each claim)
	frappe.set_user(CLAIMER)
	candidates = frappe.db.sql(
		"select name from `tabCustomer Account` where lifecycle_state = 'Pool' and customer_pool = %s "
		"and locked = 0 limit 400",
		POOLS[0],
		pluck=True,
	)
	claim_samples = []
	for name in candidates[:200]:
		began = time.perf_counter()
		claims.claim([name])
		claim_samples.append(time.perf_counter() - began)
	frappe.db.rollback()
	doc_samples = []
	for name in candidates[200:300]:
		began = time.perf_counter()
		doc = frappe.get_doc("Customer Account", name)
		doc.flags.pool_service = True
		doc.salesperson, doc.lifecycle_state, doc.claimed_on = CLAIMER, "Following", now
		doc.save(ignore_permissions=True)
		log_ownership_changes([{"customer": name, "to_salesperson": CLAIMER, "from_pool": POOLS[0]}], "Claim")
		doc_samples.append(time.perf_counter() - began)
	frappe.db.rollback()
	frappe.set_user("Administrator")
	emit_latency(
		"pool_claim_p95_ms",
		claim_samples,
		doc_samples,
		total,
		"per-document claim (get_doc().save(), no limit checks)",
	)
