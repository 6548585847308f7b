"""The activity rollups (SPEC RPT-02, RPT-07, FUP-02, CALL-03): follow-ups and calls counted per day ×
salesperson × dimension, so that the follow-up and call reports, number cards and charts read a few rows per
person and day instead of grouping millions of follow-ups and call logs.

- *Follow Up Daily Rollup*: day × salesperson × sales department × method → follow-ups, and the same count in
  24 columns, one per hour of the day (the hour rides along in the row instead of multiplying the rows).
  Visits are counted at read time through the method (its *Is Visit* flag, as the raw report did).
- *Call Daily Rollup*: day × user × phone line × direction (call type) × status → calls, valid calls and
  talk seconds. A call has no department of its own: the reports group by the user's department, as before.

Kept up in the writing transaction, set-based over the stored rows: before a follow-up or a call log is saved
its stored row is taken out of its rollup row, after the save the saved row is added back, a deleted one is
taken out (`remove()` / `add()` with the raw rows' names: one `INSERT … SELECT … GROUP BY … ON DUPLICATE KEY
UPDATE` each, on the rollup row's primary key). A rollup row whose count reaches zero is deleted. Updates
written set-based (missed calls, dial results) call the same two functions around their UPDATE. History stays
with the row's salesperson: a customer moving to another salesperson moves no follow-up or call, so nothing
moves here; a follow-up whose own salesperson is changed moves its count with it.

The row's name is a hash of its key computed in SQL, so every upsert hits the primary key. `rebuild()`
recomputes a rollup from the raw table one month per transaction (delete the month, insert its GROUP BY),
recording the last month done in the same transaction, so a killed rebuild resumes and converges, as the
collection rollup does (services/collection_rollup.py). `mismatches()` compares a rollup with the GROUP BY
over its raw table."""

from dataclasses import dataclass

import frappe
from frappe.utils import add_days, get_first_day, get_last_day, getdate, now_datetime

from crm_suite.services import rollup_jobs

HOURS = tuple(range(24))


def hour_column(hour: int) -> str:
	return f"hour_{hour:02d}"


@dataclass(frozen=True)
class Rollup:
	doctype: str  # the rollup
	source: str  # the raw doctype it sums
	when: str  # the raw Datetime column; the rollup's `day` is its date
	keys: tuple[str, ...]  # key columns, named alike in both tables ('' counts as NULL)
	measures: tuple[tuple[str, str], ...]  # (rollup column, aggregate over the raw columns)
	raw: tuple[str, ...]  # raw columns the measures read
	count: str  # the measure that counts rows: a rollup row at zero is deleted
	progress_key: str

	@property
	def columns(self) -> tuple[str, ...]:
		return ("name", "day", *self.keys, *(m for m, _sql in self.measures))


FOLLOW_UPS = Rollup(
	doctype="Follow Up Daily Rollup",
	source="Follow Up Record",
	when="followed_on",
	keys=("salesperson", "sales_department", "method"),
	measures=(
		("follow_up_count", "count(*)"),
		*((hour_column(h), f"sum(hour(followed_on) = {h})") for h in HOURS),
	),
	raw=("followed_on",),
	count="follow_up_count",
	progress_key="crm_suite_follow_up_rollup_rebuilt_through",
)
CALLS = Rollup(
	doctype="Call Daily Rollup",
	source="Phone Call Record",
	when="start_time",
	keys=("user", "phone_line", "call_type", "status"),
	measures=(
		("call_count", "count(*)"),
		("valid_count", "sum(coalesce(is_valid_call, 0))"),
		("talk_seconds", "sum(coalesce(duration, 0))"),
	),
	raw=("is_valid_call", "duration"),
	count="call_count",
	progress_key="crm_suite_call_rollup_rebuilt_through",
)
ROLLUPS = {r.source: r for r in (FOLLOW_UPS, CALLS)}
BY_NAME = {r.doctype: r for r in (FOLLOW_UPS, CALLS)}


# Frappe's tables (utf8mb4_unicode_ci); the connection's is utf8mb4_general_ci
TABLE_COLLATION = "utf8mb4_unicode_ci"


def _name_sql(r: Rollup) -> str:
	parts = ", ".join(f"coalesce({k}, '')" for k in r.keys)
	return f"sha1(concat_ws('|', day, {parts}))"


def grouped_sql(r: Rollup, where: str = "", sign: int = 1, name_collation: str | None = None) -> str:
	"""The rollup's rows computed from the raw table (times `sign`), over the raw rows matching `where`; the
	name in `name_collation` when given."""
	keys = ", ".join(f"nullif({k}, '') as {k}" for k in r.keys)
	raw_columns = sorted({r.when, *r.raw})
	measures = ", ".join(f"{sign} * {sql} as {column}" for column, sql in r.measures)
	name = f"{_name_sql(r)} collate {name_collation}" if name_collation else _name_sql(r)
	return f"""select {name} as name, day, {", ".join(r.keys)}, {measures}
		from (
			select date({r.when}) as day, {keys}, {", ".join(raw_columns)}
			from `tab{r.source}` where {r.when} is not null {where}
		) raw
		group by day, {", ".join(r.keys)}"""


def _upsert(r: Rollup, where: str, params, sign: int) -> None:
	columns = ", ".join(r.columns)
	table = f"`tab{r.doctype}`"  # qualified: the selected rows carry the same column names
	update = ", ".join(f"{table}.{m} = {table}.{m} + values({m})" for m, _sql in r.measures)
	now, user = now_datetime(), frappe.session.user
	frappe.db.sql(
		f"""insert into {table} ({columns}, creation, modified, owner, modified_by)
		select g.*, %(now)s, %(now)s, %(user)s, %(user)s from ({grouped_sql(r, where, sign)}) g
		on duplicate key update {update}, {table}.modified = values(modified)""",
		{**params, "now": now, "user": user},
	)


def add(r: Rollup, names: list[str]) -> None:
	"""Add the stored raw rows `names` to their rollup rows (after they were written)."""
	if names:
		_upsert(r, "and name in %(names)s", {"names": tuple(names)}, 1)


def remove(r: Rollup, names: list[str]) -> None:
	"""Take the stored raw rows `names` out of their rollup rows (before they are changed or deleted); rows
	left at zero are deleted."""
	if not names:
		return
	params = {"names": tuple(names)}
	_upsert(r, "and name in %(names)s", params, -1)
	frappe.db.sql(
		f"""delete from `tab{r.doctype}` where {r.count} <= 0
		and name in (select g.name from ({grouped_sql(r, "and name in %(names)s")}) g)""",
		params,
	)


# document events of the raw doctypes (hooks.py → doc_events): the save's own transaction


def _reach():
	"""The follow-ups' month reach (services/reach_rollup.py), kept up next to the daily rollup."""
	from crm_suite.services import reach_rollup

	return reach_rollup


def before_save(doc, method=None) -> None:
	if not doc.is_new():
		remove(ROLLUPS[doc.doctype], [doc.name])
		if doc.doctype == FOLLOW_UPS.source:
			_reach().remove([doc.name])


def on_update(doc, method=None) -> None:
	add(ROLLUPS[doc.doctype], [doc.name])
	if doc.doctype == FOLLOW_UPS.source:
		_reach().add([doc.name])


def on_trash(doc, method=None) -> None:
	remove(ROLLUPS[doc.doctype], [doc.name])
	if doc.doctype == FOLLOW_UPS.source:
		_reach().remove([doc.name])


def rebuild_range(r: Rollup, start, end) -> None:
	"""Recompute the rollup rows of the days [start, end] from the raw table (the caller commits)."""
	frappe.db.sql(f"delete from `tab{r.doctype}` where day between %s and %s", (start, end))
	_upsert(
		r,
		f"and {r.when} >= %(start)s and {r.when} < %(end)s",
		{"start": getdate(start), "end": add_days(getdate(end), 1)},
		1,
	)


def _date_bounds(r: Rollup):
	row = frappe.db.sql(
		f"""select min(d), max(d) from (
			select date(min({r.when})) as d from `tab{r.source}` union all select date(max({r.when})) from `tab{r.source}`
			union all select min(day) from `tab{r.doctype}` union all select max(day) from `tab{r.doctype}`
		) bounds"""
	)[0]
	return (getdate(row[0]), getdate(row[1])) if row[0] else (None, None)


def rebuilt_through(r: Rollup):
	"""The last day a running (or killed) rebuild has committed, or None when no rebuild is under way."""
	return rollup_jobs.rebuilt_through(r.progress_key)


def rebuild_one(r: Rollup, restart: bool = False, stop_after_chunks: int | None = None, commit=None) -> dict:
	"""Recompute a rollup from its raw table, one month per transaction, resuming after the last month a killed
	run committed (unless `restart`; services/rollup_jobs.py). `stop_after_chunks` stops early as a kill would;
	`commit` ends each month's transaction (tests pass a savepoint)."""
	return rollup_jobs.rebuild_by_month(
		r.progress_key,
		_date_bounds(r),
		lambda start, end: rebuild_range(r, start, end),
		restart=restart,
		stop_after_chunks=stop_after_chunks,
		commit=commit,
	)


def rebuild(restart: bool = False) -> dict:
	"""Rebuild both activity rollups and the follow-ups' month reach (resumable). Run it with
	`bench --site … execute crm_suite.services.activity_rollup.rebuild`."""
	out = {r.doctype: rebuild_one(r, restart=bool(restart)) for r in (FOLLOW_UPS, CALLS)}
	out["Follow Up Month Reach"] = _reach().rebuild(restart=bool(restart))
	return out


def mismatches(r: Rollup, start=None, end=None) -> list[dict]:
	"""Rollup rows that differ from the GROUP BY over the raw table, and raw groups without a rollup row
	(empty when they agree); over the days [start, end] when given. The GROUP BY is a derived table whose
	computed name is given the table's collation, so that MariaDB keys the derived table on it
	(derived_with_keys): with the connection's collation it was joined by block nested loop instead — over ten
	minutes for a month of 5M follow-ups (issue 17)."""
	differs = " or ".join(
		[f"not (r.{c} <=> g.{c})" for c in ("day", *r.keys)] + [f"r.{m} != g.{m}" for m, _sql in r.measures]
	)
	raw_where, rollup_where, params = "", "", {}
	if start and end:
		raw_where = f"and {r.when} >= %(start)s and {r.when} < %(after)s"
		rollup_where = "and r.day between %(start)s and %(end)s"
		params = {"start": getdate(start), "end": getdate(end), "after": add_days(getdate(end), 1)}
	grouped = grouped_sql(r, raw_where, name_collation=TABLE_COLLATION)
	return frappe.db.sql(
		f"""select 'rollup' as side, r.name, r.day, r.{r.count}, g.{r.count} as raw_count
		from `tab{r.doctype}` r left join ({grouped}) g on g.name = r.name
		where (g.name is null or {differs}) {rollup_where}
		union all
		select 'raw', g.name, g.day, null, g.{r.count}
		from ({grouped}) g left join `tab{r.doctype}` r on r.name = g.name where r.name is null""",
		params,
		as_dict=True,
	)
