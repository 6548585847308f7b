"""Recycling runs (SPEC POOL-05, POOL-12): owned customers and leads return to their pool when a pool rule
says they are overdue — the daily job, the admin's "Recycle Now", and the run behind both.

A run works through its (pool, rule) pairs batch by batch (`batch.py`), every batch committed on its own,
in READ COMMITTED so that a rule's statements lock only the rows they move. With *CRM Suite Settings →
Parallel Recycle Jobs* above one, the pairs are shared out: the run puts them in a list in Redis, queues
that many jobs less one on the long queue, and works the list itself too; each job takes pairs until the
list is empty, on its own worker and database connection. The run then waits for the jobs still inside a
pair and announces the result once. With a single long worker the run simply does all the pairs itself
(the jobs start later, find the list empty and end), so it never waits on a job that cannot start.

One run at a time per site: a MariaDB named lock held by the run's connection (the server frees it if the
process dies). The jobs check before every batch that the run which queued them still holds it, so a
killed run's jobs stop too; its committed batches stand, and the next run finishes the rest and announces
them (`notices.py` counts from the audit log)."""

import json
import os
import secrets
import time
from contextlib import contextmanager
from datetime import datetime
from functools import partial

import frappe
from frappe.utils import get_datetime, now_datetime

from crm_suite.services.notify import notify_user
from crm_suite.services.pool.kinds import CUSTOMER, KINDS, LEAD, Pooled
from crm_suite.services.pool.membership import default_pool
from crm_suite.services.recycle.batch import recycle_batch, recycle_batch_retried
from crm_suite.services.recycle.notices import notify_recycled, preview_link, send_warnings
from crm_suite.services.recycle.rules import Rule, due_criterion, load_rules, spread

DEFAULT_JOBS = 3
TOTALS = ("recycled", "batches")
# A job that has not finished a batch for this long is taken for dead when the run waits for its jobs.
STALE_JOB_SECONDS = 600
# The run's shared state in Redis outlives any run by far; it is deleted when the run ends.
STATE_TTL_SECONDS = 86400


def _totals() -> dict[str, int]:
	return dict.fromkeys(TOTALS, 0)


def recycle_jobs() -> int:
	"""The setting; unset (or 0) means the default."""
	return frappe.db.get_single_value("CRM Suite Settings", "recycle_jobs") or DEFAULT_JOBS


def run_recycle(
	doctype: str = CUSTOMER.doctype,
	now: datetime | None = None,
	batch_size: int = 20000,
	commit: bool = True,
	max_batches: int | None = None,
	connections: int | None = None,
) -> dict:
	"""Recycle every overdue row of `doctype`; returns {"recycled", "batches", "notified"}, or
	{"skipped": True} when another run holds the site's recycle lock.

	With `commit` (the real job) the pairs are worked by up to `connections` jobs (default: the setting)
	and every batch commits; without it everything stays in the caller's transaction, one pair after
	another (tests, and callers that roll back)."""
	kind = KINDS[doctype]
	now = get_datetime(now) if now else now_datetime()
	home_pool = default_pool(kind.pool_type)
	rules = spread(load_rules(kind))
	jobs = max(1, min(recycle_jobs() if connections is None else connections, len(rules) or 1))
	if commit and not take_run_lock():
		return {"skipped": True}
	try:
		if commit and jobs > 1 and max_batches is None:
			result = _run_shared(kind, rules, home_pool, now, batch_size, jobs)
		else:
			result = _totals()
			with read_committed(commit):
				for rule in rules:
					_work_rule(kind, rule, home_pool, now, batch_size, commit, result, max_batches)
		result["notified"] = notify_recycled(kind, now)
		if commit:
			frappe.db.commit()
		return result
	finally:
		if commit:
			release_run_lock()


def _work_rule(kind, rule, home_pool, now, batch_size, commit, result, max_batches=None, alive=None) -> bool:
	"""Batches of one rule until none is left (or `max_batches` in all); False if `alive()` said stop."""
	due = due_criterion(kind, rule, now, home_pool)
	batch = recycle_batch_retried if commit else recycle_batch
	while max_batches is None or result["batches"] < max_batches:
		if alive and not alive():
			return False
		moved = batch(kind, rule, due, home_pool, now, batch_size, commit)
		if not moved:
			break
		result["recycled"] += moved
		result["batches"] += 1
		if moved < batch_size:
			break
	return True


@contextmanager
def read_committed(active: bool = True):
	"""Run the block's transactions in READ COMMITTED (only rows actually moved are locked, no gap locks),
	then put the session back to the default."""
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


class SharedRun:
	"""A run's pairs and progress in Redis (the site's cache), for the jobs that help it."""

	PARTS = ("meta", "todo", "busy", "totals")

	def __init__(self, run_id: str):
		self.run_id = run_id

	def key(self, part: str) -> str:
		return f"crm_suite:recycle:{self.run_id}:{part}"

	@classmethod
	def start(cls, kind: Pooled, rules: list[Rule], home_pool, now: datetime, batch_size: int) -> "SharedRun":
		run, cache = cls(secrets.token_hex(8)), frappe.cache
		meta = {
			"doctype": kind.doctype,
			"now": now.isoformat(),
			"home_pool": home_pool,
			"batch_size": batch_size,
			"holder": _connection_id(),
			"user": frappe.session.user,
			"lang": frappe.local.lang,
		}
		cache.set_value(run.key("meta"), meta, expires_in_sec=STATE_TTL_SECONDS)
		for rule in rules:
			cache.rpush(run.key("todo"), json.dumps(rule.as_dict()))
		cache.expire(cache.make_key(run.key("todo")), STATE_TTL_SECONDS)
		return run

	def meta(self) -> dict | None:
		return frappe.cache.get_value(self.key("meta"))

	def work(self, kind: Pooled, home_pool, now: datetime, batch_size: int, alive=None) -> dict:
		"""Take pairs until none is left. This worker counts as busy from before it looks until it is done,
		so the run never announces while a pair is being worked."""
		me = f"{os.getpid()}:{secrets.token_hex(4)}"
		result, cache = _totals(), frappe.cache
		try:
			with read_committed():
				while True:
					cache.hset(self.key("busy"), me, time.time())
					raw = cache.lpop(self.key("todo"))
					if raw is None:
						break
					rule = Rule(**json.loads(raw))
					if not _work_rule(kind, rule, home_pool, now, batch_size, True, result, alive=alive):
						break
		finally:
			cache.hset(self.key("totals"), me, result)
			cache.expire(cache.make_key(self.key("totals")), STATE_TTL_SECONDS)
			cache.hdel(self.key("busy"), me)
		return result

	def wait_for_helpers(self, poll: float = 0.2):
		"""Until no job is inside a pair (a job silent for STALE_JOB_SECONDS is taken for dead)."""
		while True:
			beats = frappe.cache.hgetall(self.key("busy")).values()
			if all(time.time() - beat > STALE_JOB_SECONDS for beat in beats):
				return
			time.sleep(poll)

	def totals(self) -> dict[str, int]:
		results = frappe.cache.hgetall(self.key("totals")).values()
		return {total: sum(r[total] for r in results) for total in TOTALS}

	def close(self):
		frappe.cache.delete_value([self.key(part) for part in self.PARTS])


def _run_shared(
	kind: Pooled, rules: list[Rule], home_pool, now: datetime, batch_size: int, jobs: int
) -> dict:
	frappe.db.commit()  # the jobs see everything the caller wrote
	run = SharedRun.start(kind, rules, home_pool, now, batch_size)
	try:
		for _ in range(jobs - 1):
			frappe.enqueue(
				"crm_suite.services.recycle.run.help_run", queue="long", timeout=3600, run_id=run.run_id
			)
		run.work(kind, home_pool, now, batch_size)
		run.wait_for_helpers()
		return run.totals()
	finally:
		run.close()


def help_run(run_id: str):
	"""Background job (long queue): work a shared run's pairs while the run that queued it is alive."""
	run = SharedRun(run_id)
	meta = run.meta()
	if not meta or not _holds_run_lock(meta["holder"]):
		return  # the run is over (or died): nothing to help
	frappe.set_user(meta["user"])
	frappe.local.lang = meta["lang"]
	run.work(
		KINDS[meta["doctype"]],
		meta["home_pool"],
		get_datetime(meta["now"]),
		meta["batch_size"],
		alive=partial(_holds_run_lock, meta["holder"]),
	)


def _connection_id() -> int:
	return frappe.db.sql("select connection_id()")[0][0]


def run_lock_name() -> str:
	return f"crm_suite_recycle:{frappe.conf.db_name}"  # a server-wide name: one per site


def take_run_lock() -> bool:
	"""The site's recycle lock for this connection (nested: run_all's run then run_recycle's)."""
	return bool(frappe.db.sql("select get_lock(%s, 0)", run_lock_name())[0][0])


def release_run_lock():
	frappe.db.sql("select release_lock(%s)", run_lock_name())


def _holds_run_lock(connection: int) -> bool:
	holder = frappe.db.sql("select is_used_lock(%s)", run_lock_name())[0][0]
	return holder is not None and int(holder) == int(connection)


def run_all(now: datetime | None = None) -> dict:
	"""The daily job: warnings, then recycling, customers and leads. One run at a time per site: a run
	that finds another under way returns {"skipped": True} (two runs would share out the same rows and
	the second would announce some of the first's)."""
	now = get_datetime(now) if now else now_datetime()
	if not take_run_lock():
		return {"skipped": True}
	try:
		results = {}
		for kind in (CUSTOMER, LEAD):
			send_warnings(kind.doctype, now)
			frappe.db.commit()
			results[kind.doctype] = run_recycle(kind.doctype, now)
		return results
	finally:
		release_run_lock()


def run_now(user: str) -> dict:
	"""Background job behind the Recycle Preview's "Recycle Now" button: the daily run, then a note to the
	admin who asked, in their language — also when the run fails (the error goes to the Error Log)."""
	now = now_datetime()
	tell = partial(notify_user, user, doctype=CUSTOMER.doctype, link=preview_link(now))
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
