"""Scheduled recycling (SPEC POOL-05, POOL-12): owned customers and leads return to their pool when a
pool rule says they are overdue.

Set-based: every rule becomes one sargable condition on the indexed (customer_pool, lifecycle_state,
claimed_on / last_contact_on) columns against cutoffs computed once from one `now`. Each batch moves
its rows with one UPDATE … LIMIT (which locks them), writes their log rows server-side
(`INSERT … SELECT`, the rows found again by the batch's unique `modified` stamp) and commits. A rerun
only finds rows still overdue, so a job killed half-way and run again ends where one clean run would,
without duplicate logs.

Each former owner hears once per run, with the run's total. A run that died after committing batches
but before notifying is caught up by the next one: notifying moves a watermark forward in the same
transaction, and every run also counts the recycle log rows written between the watermark and itself.

The committed job works through the (pool, rule) pairs over a few database connections at once
(CRM Suite Settings → Parallel Recycle Connections), each in READ COMMITTED: a rule's UPDATE then locks
only the rows it moves (no gap locks), so pairs of different pools never wait on each other, and two
rules of one pool only meet on a row due under both — the later one finds it already in the pool.
"""

import queue
import secrets
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

import frappe
from frappe import _
from frappe.query_builder import Criterion
from frappe.query_builder.functions import Coalesce, Count
from frappe.utils import add_days, get_datetime, getdate, now_datetime

from crm_suite.services.notify import notify_user, notify_users
from crm_suite.services.ownership import counter_width, row_name_prefix
from crm_suite.services.pool import (
	CUSTOMER,
	KINDS,
	LEAD,
	POOL_STATE,
	Pooled,
	default_pool,
	retry_on_deadlock,
)

NOT_CONTACTED = "Not Contacted After Claim"
NO_FOLLOW_UP = "No Follow Up"
NO_DEAL = "No Deal"
REASONS = {
	NOT_CONTACTED: "Not contacted within {0} days of claim",
	NO_FOLLOW_UP: "No follow-up for {0} days",
	NO_DEAL: "No deal within {0} days of claim",
}


@dataclass
class Rule:
	pool: str
	rule_type: str
	days: int
	customer_category: str | None = None
	warn_days: int = 0
	exempt_deal: bool = True
	exempt_protected: bool = True
	exempt_locked: bool = True
	overridden: list[str] = field(default_factory=list)

	def reason(self) -> str:
		return _(REASONS[self.rule_type]).format(self.days)


def load_rules(kind: Pooled) -> list[Rule]:
	"""Enabled rules of the kind's pools; a general row learns which categories override it."""
	pool_table, rule_table = frappe.qb.DocType("Customer Pool"), frappe.qb.DocType("Pool Rule")
	rows = (
		frappe.qb.from_(rule_table)
		.join(pool_table)
		.on(pool_table.name == rule_table.parent)
		.select(
			rule_table.parent.as_("pool"),
			rule_table.rule_type,
			rule_table.days,
			rule_table.customer_category,
			rule_table.warn_days,
			rule_table.exempt_deal,
			rule_table.exempt_protected,
			rule_table.exempt_locked,
		)
		.where(
			(rule_table.parenttype == "Customer Pool")
			& (rule_table.enabled == 1)
			& (rule_table.days > 0)
			& (pool_table.pool_type == kind.pool_type)
		)
		.orderby(rule_table.parent)
		.orderby(rule_table.idx)
		.run(as_dict=True)
	)
	rules = [
		Rule(
			r.pool,
			r.rule_type,
			r.days,
			r.customer_category or None,
			r.warn_days or 0,
			bool(r.exempt_deal),
			bool(r.exempt_protected),
			bool(r.exempt_locked),
		)
		for r in rows
	]
	for rule in rules:
		if not rule.customer_category:
			rule.overridden = sorted(
				{
					o.customer_category
					for o in rules
					if o.pool == rule.pool and o.rule_type == rule.rule_type and o.customer_category
				}
			)
	return rules


def due_criterion(kind: Pooled, rule: Rule, now: datetime, home_pool: str | None):
	"""Rows overdue under `rule` at `now`: ranges on indexed datetime columns, no function on a column."""
	t = frappe.qb.DocType(kind.doctype)
	cutoff = add_days(now, -rule.days)
	in_pool = t.customer_pool == rule.pool
	if rule.pool == home_pool:  # owned rows created without a pool belong to the default pool
		in_pool = in_pool | t.customer_pool.isnull()
	states = list(kind.active_states)
	if not rule.exempt_deal and rule.rule_type != NO_DEAL and kind.deal_state:
		states.append(kind.deal_state)
	conditions = [in_pool, t.lifecycle_state.isin(states), t.claimed_on < cutoff]
	if rule.rule_type == NOT_CONTACTED:
		conditions.append(t.last_contact_on.isnull() | (t.last_contact_on <= t.claimed_on))
	elif rule.rule_type == NO_FOLLOW_UP:
		conditions.append(t.last_contact_on < cutoff)
	if rule.customer_category:
		conditions.append(t.customer_category == rule.customer_category)
	elif rule.overridden:
		conditions.append(t.customer_category.isnull() | t.customer_category.notin(rule.overridden))
	if rule.exempt_locked:
		conditions.append(t.locked == 0)
	if rule.exempt_protected:
		conditions.append(t.protected_until.isnull() | (t.protected_until <= now))
	return Criterion.all(conditions)


def run_recycle(
	doctype: str = "Customer Account",
	now: datetime | None = None,
	batch_size: int = 20000,
	commit: bool = True,
	max_batches: int | None = None,
	connections: int | None = None,
) -> dict:
	"""Recycle every overdue row of `doctype`; returns {"recycled", "batches", "notified"}.

	A batch is one UPDATE … WHERE <rule> LIMIT n: it finds, locks and moves the rows in one pass over the
	rule's index range, stamping them with a `modified` time no other row has. The log rows are built by
	the server from the rows found again by that stamp (`modified` index), the owners' counts come from
	those log rows, and the batch commits: no list of names crosses the wire. When every rule is done,
	each former owner gets one notification with the run's total ("notified" counts them).

	With `commit`, the rules run over `connections` database connections at once (default: the setting);
	without it everything stays in the caller's transaction, one rule after another."""
	kind = KINDS[doctype]
	now = get_datetime(now) if now else now_datetime()
	home_pool = default_pool(kind.pool_type)
	work = [(rule, due_criterion(kind, rule, now, home_pool)) for rule in _spread(load_rules(kind))]
	if connections is None:
		connections = recycle_connections()
	connections = max(1, min(connections, len(work)))
	if commit and connections > 1 and max_batches is None:
		result, owners = _run_parallel(kind, work, home_pool, now, batch_size, connections)
	else:
		result, owners = _totals(), Counter()
		with _read_committed(commit):
			for rule, due in work:
				_run_rule(kind, rule, due, home_pool, now, batch_size, commit, result, owners, max_batches)
	result["notified"] = notify_recycled(kind, owners, now)
	if commit:
		frappe.db.commit()
	return result


DEFAULT_CONNECTIONS = 3
TOTALS = ("recycled", "batches", "notified")
# CRM Suite Settings fields holding the time up to which former owners were told of recycled rows.
ANNOUNCED_UNTIL = {
	CUSTOMER.doctype: "customers_recycle_notified_until",
	LEAD.doctype: "leads_recycle_notified_until",
}
# Without a mark yet (the first run), unannounced recycling is looked for this far back.
CATCH_UP_DAYS = 1


def _totals() -> dict[str, int]:
	return dict.fromkeys(TOTALS, 0)


def recycle_connections() -> int:
	"""The setting; unset (or 0) means the default."""
	return frappe.db.get_single_value("CRM Suite Settings", "recycle_connections") or DEFAULT_CONNECTIONS


def _spread(rules: list[Rule]) -> list[Rule]:
	"""Round-robin over pools (each pool's rules keep their order), so connections working at the same
	time are mostly on different pools."""
	by_pool: dict[str, list[Rule]] = {}
	for rule in rules:
		by_pool.setdefault(rule.pool, []).append(rule)
	spread, rounds = [], [iter(r) for r in by_pool.values()]
	while rounds:
		for it in list(rounds):
			rule = next(it, None)
			if rule is None:
				rounds.remove(it)
			else:
				spread.append(rule)
	return spread


def _run_rule(
	kind, rule, due, home_pool, now, batch_size, commit, result, owners: Counter, max_batches=None, slot=0
):
	batch = _recycle_batch_retried if commit else _recycle_batch
	while max_batches is None or result["batches"] < max_batches:
		moved, released_by = batch(kind, rule, due, home_pool, now, batch_size, commit, slot)
		if not moved:
			break
		result["recycled"] += moved
		result["batches"] += 1
		owners.update(released_by)
		if moved < batch_size:
			break


@contextmanager
def _read_committed(active: bool = True):
	"""Run the block's transactions in READ COMMITTED (only rows actually moved are locked; the log's
	INSERT … SELECT reads without locking), then put the session back to the default."""
	if not active:
		yield
		return
	frappe.db.sql("set session transaction isolation level read committed")
	frappe.db.commit()  # the next transaction starts under the new level
	try:
		yield
	finally:
		frappe.db.rollback()  # every batch committed; nothing half-done is left
		frappe.db.sql("set session transaction isolation level repeatable read")
		frappe.db.commit()


def _run_parallel(
	kind: Pooled, work: list, home_pool, now, batch_size: int, connections: int
) -> tuple[dict, Counter]:
	"""`connections` threads, each with its own site connection, take (rule, condition) pairs from one
	queue until it is empty. The first error stops the others after their current batch and is raised.
	Returns the run's totals and {former owner: rows}."""
	site, sites_path = frappe.local.site, frappe.local.sites_path
	user, lang = frappe.session.user, frappe.local.lang
	frappe.db.commit()  # the threads see everything the caller wrote
	todo: queue.SimpleQueue = queue.SimpleQueue()
	for item in work:
		todo.put(item)
	results: list[tuple[dict, Counter]] = []
	errors: list[BaseException] = []

	def worker(slot: int):
		frappe.init(site, sites_path=sites_path)
		try:
			frappe.connect(set_admin_as_user=False)
			frappe.set_user(user)
			frappe.local.lang = lang
			result, owners = _totals(), Counter()
			with _read_committed():
				while not errors:
					try:
						rule, due = todo.get_nowait()
					except queue.Empty:
						break
					_run_rule(kind, rule, due, home_pool, now, batch_size, True, result, owners, slot=slot)
			results.append((result, owners))
		except BaseException as error:  # raised again by the caller's thread, traceback included
			errors.append(error)
		finally:
			frappe.destroy()

	threads = [
		threading.Thread(target=worker, args=(slot,), name=f"crm-recycle-{slot}")
		for slot in range(connections)
	]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	if errors:
		raise errors[0]
	return {key: sum(r[key] for r, _o in results) for key in TOTALS}, sum((o for _r, o in results), Counter())


def _recycle_batch(
	kind: Pooled, rule: Rule, due, home_pool, now, batch_size: int, commit: bool, slot: int = 0
):
	"""One batch, one transaction: move, log, commit. Returns (moved, {former owner: rows})."""
	stamp = _batch_stamp(kind, now, slot)
	moved = _release(kind, due, home_pool, now, stamp, batch_size)
	if not moved:
		return 0, {}
	prefix = _insert_logs(kind, stamp, home_pool, rule.reason(), now, counter_width(batch_size))
	released_by = _released_by(prefix)
	if commit:
		frappe.db.commit()
	return moved, released_by


# A committed batch stands on its own, so a batch that loses a deadlock to a claim is simply run again
# (only when committing batch by batch: otherwise a retry's rollback would undo the earlier batches).
_recycle_batch_retried = retry_on_deadlock(_recycle_batch)

# Connections recycling at the same time draw their stamps' microseconds from disjoint residues.
STAMP_SLOTS = 16


def _batch_stamp(kind: Pooled, now: datetime, slot: int = 0) -> datetime:
	"""A `modified` value (microseconds) that no row carries yet: it names this batch's rows."""
	t = frappe.qb.DocType(kind.doctype)
	while True:
		micro = secrets.randbelow(10**6 // STAMP_SLOTS) * STAMP_SLOTS + slot % STAMP_SLOTS
		stamp = now_datetime().replace(microsecond=micro)
		if not frappe.qb.from_(t).select(t.name).where(t.modified == stamp).limit(1).run():
			return stamp


def _release(kind: Pooled, due, home_pool: str | None, now: datetime, stamp: datetime, limit: int) -> int:
	"""Move up to `limit` rows matching `due` to their pool in one statement; returns how many moved."""
	t = frappe.qb.DocType(kind.doctype)
	(
		frappe.qb.update(t)
		.set(t.last_released_by, t.salesperson)  # assigned left to right: before salesperson is cleared
		.set(t.last_released_on, now)
		.set(t.salesperson, None)
		.set(t.sales_department, None)
		.set(t.lifecycle_state, POOL_STATE)
		.set(t.customer_pool, Coalesce(t.customer_pool, home_pool))
		.set(t.modified, stamp)
		.set(t.modified_by, frappe.session.user)
		.where(due)
		.limit(limit)
		.run()
	)
	return frappe.db._cursor.rowcount


def _released_by(prefix: str) -> dict[str, int]:
	"""{former owner: rows} of a batch, from its log rows: they share a name prefix, so this reads one
	contiguous stretch of the log's primary key."""
	log = frappe.qb.DocType("Customer Ownership Log")
	return dict(
		frappe.qb.from_(log)
		.select(log.from_salesperson, Count("*"))
		.where(log.name.like(f"{prefix}%") & (log.action == "Recycle"))
		.groupby(log.from_salesperson)
		.run()
	)


def _insert_logs(
	kind: Pooled, stamp: datetime, home_pool: str | None, reason: str, now: datetime, digits: int
) -> str:
	"""One INSERT … SELECT: the server builds the log rows from the batch's rows (found by their stamp),
	named as `new_row_names` names them (prefix, then a counter) so they append to the primary key in
	order. Returns the name prefix the batch's log rows share."""
	prefix = row_name_prefix()
	frappe.db.sql(
		f"""insert into `tabCustomer Ownership Log`
			(`name`, `{kind.log_field}`, `action`, `from_salesperson`, `to_pool`, `reason`, `done_by`, `done_at`,
			 `owner`, `modified_by`, `creation`, `modified`)
		select concat(%(prefix)s, lpad(lower(hex(row_number() over ())), %(digits)s, '0')), t.`name`, 'Recycle',
			t.`last_released_by`, coalesce(t.`customer_pool`, %(home)s), %(reason)s, %(user)s, %(now)s,
			%(user)s, %(user)s, %(now)s, %(now)s
		from `tab{kind.doctype}` t
		where t.`modified` = %(stamp)s and t.`lifecycle_state` = %(pool_state)s and t.`salesperson` is null""",
		{
			"prefix": prefix,
			"digits": digits,
			"home": home_pool,
			"reason": reason,
			"user": frappe.session.user,
			"now": now,
			"stamp": stamp,
			"pool_state": POOL_STATE,
		},
	)
	return prefix


def notify_recycled(kind: Pooled, owners: Counter, now: datetime) -> int:
	"""One notification per former owner for the run at `now`, counting also the recycle log rows that
	runs since the last notified one wrote and never announced (a run killed before this step).
	Moves the mark (CRM Suite Settings) to `now` in the caller's transaction; returns how many owners
	were notified."""
	field = ANNOUNCED_UNTIL[kind.doctype]
	since = frappe.db.get_single_value("CRM Suite Settings", field, cache=False)
	since = get_datetime(since) if since else add_days(now, -CATCH_UP_DAYS)
	catch_up = since < now  # else this `now` was announced already (a rerun at the same time)
	if catch_up:
		log = frappe.qb.DocType("Customer Ownership Log")
		missed = (
			frappe.qb.from_(log)
			.select(log.from_salesperson, Count("*"))
			.where(
				log.to_salesperson.isnull()  # (to_salesperson, action, done_at): one range of the index
				& (log.action == "Recycle")
				& (log.done_at > since)
				& (log.done_at < now)
				& getattr(log, kind.log_field).isnotnull()
			)
			.groupby(log.from_salesperson)
			.run()
		)
		owners = owners + Counter(dict(missed))
	notified = notify_users(
		owners, "{0} overdue records were recycled to the pool.", kind.doctype, link=_preview_link(now)
	)
	if catch_up:
		frappe.db.set_single_value("CRM Suite Settings", field, now, update_modified=False)
	return notified


def _preview_link(on: datetime) -> str:
	return f"/app/query-report/Recycle Preview?on_date={getdate(on)}"


def preview(
	doctype: str = "Customer Account",
	on_date: str | datetime | None = None,
	pool: str | None = None,
	scope=None,
	limit: int | None = None,
) -> list[dict]:
	"""Dry run: who would be recycled on `on_date` and under which rule (nothing is changed)."""
	kind = KINDS[doctype]
	now = get_datetime(on_date) if on_date else now_datetime()
	if on_date and get_datetime(on_date).time() == datetime.min.time():
		now = get_datetime(f"{getdate(on_date)} 23:59:59")
	home_pool = default_pool(kind.pool_type)
	t = frappe.qb.DocType(kind.doctype)
	seen, rows = set(), []
	for rule in load_rules(kind):
		if pool and rule.pool != pool:
			continue
		query = (
			frappe.qb.from_(t)
			.select(
				t.name,
				t.salesperson,
				t.customer_pool,
				t.lifecycle_state,
				t.claimed_on,
				t.last_contact_on,
			)
			.where(due_criterion(kind, rule, now, home_pool))
			.orderby(t.claimed_on)
		)
		if scope is not None:
			query = query.where(scope)
		if limit:
			query = query.limit(limit)
		for row in query.run(as_dict=True):
			if row.name in seen:
				continue
			seen.add(row.name)
			row.rule = rule.rule_type
			row.reason = rule.reason()
			row.customer_pool = row.customer_pool or home_pool
			rows.append(row)
	return rows


def send_warnings(doctype: str = "Customer Account", now: datetime | None = None) -> int:
	"""Warn owners whose rows become overdue within a rule's warning days (once a day per owner)."""
	kind = KINDS[doctype]
	now = get_datetime(now) if now else now_datetime()
	home_pool = default_pool(kind.pool_type)
	t = frappe.qb.DocType(kind.doctype)
	counts: dict[str, int] = {}
	for rule in load_rules(kind):
		if not rule.warn_days:
			continue
		soon = due_criterion(kind, rule, add_days(now, rule.warn_days), home_pool)
		rows = (
			frappe.qb.from_(t)
			.select(t.salesperson, Count("*"))
			.where(soon & ~due_criterion(kind, rule, now, home_pool))
			.groupby(t.salesperson)
			.run()
		)
		for user, count in rows:
			counts[user] = counts.get(user, 0) + count
	link = _preview_link(add_days(now, max((r.warn_days for r in load_rules(kind)), default=0)))
	log = frappe.qb.DocType("Notification Log")
	already = set(
		frappe.qb.from_(log)
		.select(log.for_user)
		.where(
			(log.link == link)
			& (log.document_type == kind.doctype)
			& (log.creation >= get_datetime(getdate(now)))
		)
		.run(pluck=True)
	)
	counts = {u: n for u, n in counts.items() if u not in already}
	return notify_users(
		counts, "{0} records will be recycled soon unless you follow up.", kind.doctype, link=link
	)


def run_all(now: datetime | None = None) -> dict:
	"""The daily job: warnings, then recycling, customers and leads. One run at a time per site: a run
	that finds another under way returns {"skipped": True} (two runs would share out the same rows and
	the second would announce some of the first's)."""
	now = get_datetime(now) if now else now_datetime()
	if not _take_run_lock():
		return {"skipped": True}
	try:
		results = {}
		for kind in (CUSTOMER, LEAD):
			send_warnings(kind.doctype, now)
			frappe.db.commit()
			results[kind.doctype] = run_recycle(kind.doctype, now)
		return results
	finally:
		_release_run_lock()


def _run_lock_name() -> str:
	return f"crm_suite_recycle:{frappe.conf.db_name}"  # a server-wide name: one per site


def _take_run_lock() -> bool:
	"""A MariaDB named lock held by this connection (freed by the server if the process dies)."""
	return bool(frappe.db.sql("select get_lock(%s, 0)", _run_lock_name())[0][0])


def _release_run_lock():
	frappe.db.sql("select release_lock(%s)", _run_lock_name())


def run_now(user: str) -> dict:
	"""Background job behind the Recycle Preview's "Recycle Now" button: the daily run, then a note to the
	admin who asked, in their language — also when the run fails (the error goes to the Error Log)."""
	now = now_datetime()
	tell = partial(notify_user, user, doctype=CUSTOMER.doctype, link=_preview_link(now))
	try:
		results = run_all(now)
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title="crm_suite: Recycle Now")
		tell("Recycling failed; the Error Log has the details.")
		frappe.db.commit()
		raise
	if results.get("skipped"):
		tell("Recycling did not start: another recycle run is under way.")
	else:
		tell(
			"Recycling finished: {0} customers and {1} leads returned to their pools.",
			results[CUSTOMER.doctype]["recycled"],
			results[LEAD.doctype]["recycled"],
		)
	frappe.db.commit()
	return results
