"""A table of counts and sums per key over the current rows of a source doctype (issue 17): what *Customer
Holding* (customers held per salesperson × type, services/holding_rollup.py) and *Opportunity Holding* (open
opportunities per process × stage × salesperson, services/pipeline_rollup.py) share.

Kept in the writing transaction, set-based over the stored source rows: `remove(names)` before the rows are
changed or deleted, `add(names)` after they were written — one `INSERT … SELECT … GROUP BY … ON DUPLICATE KEY
UPDATE` each, on the table row's primary key (a hash of its key computed in SQL, in the table's collation). A row
whose count reaches zero is deleted. `rebuild()` recomputes the table in one transaction (a killed rebuild leaves
it as it was); `mismatches()` compares it with the GROUP BY over the source.

Only the source rows matching `counted` are counted (e.g. held customers, open opportunities): a row leaving
that condition is counted out by the same remove / add pair."""

from contextlib import contextmanager
from dataclasses import dataclass

import frappe
from frappe.utils import now_datetime

from crm_suite.services.activity_rollup import TABLE_COLLATION

AMOUNT_TOLERANCE = 0.005  # sums kept in Currency columns (9 decimals), compared to the cent


@dataclass(frozen=True)
class KeyedRollup:
	source: str  # the doctype counted
	table: str  # the rollup doctype
	keys: dict[str, str]  # rollup column → SQL expression over the source row
	measures: dict[str, str]  # rollup column → SQL expression summed over the source rows; the first counts
	counted: str  # SQL condition of the source rows counted

	@property
	def count_column(self) -> str:
		return next(iter(self.measures))

	def grouped(self, where: str = "", sign: int = 1) -> str:
		"""The rollup rows computed from the counted source rows matching `where` (SQL with %(…)s
		parameters), each measure times `sign`."""
		keys = list(self.keys)
		parts = ", ".join(f"coalesce({k}, '')" for k in keys)
		inner = ", ".join(
			[f"{expr} as {k}" for k, expr in self.keys.items()]
			+ [f"{expr} as {m}" for m, expr in self.measures.items()]
		)
		sums = ", ".join(f"{sign} * sum({m}) as {m}" for m in self.measures)
		return f"""select sha1(concat_ws('|', {parts})) collate {TABLE_COLLATION} as name, {", ".join(keys)}, {sums}
			from (select {inner} from `tab{self.source}` where ({self.counted}) {where}) counted
			group by {", ".join(keys)}"""

	def _upsert(self, where: str, params: dict, sign: int) -> None:
		table = f"`tab{self.table}`"
		columns = ", ".join([*self.keys, *self.measures])
		updates = ", ".join(f"{table}.{m} = {table}.{m} + values({m})" for m in self.measures)
		now = now_datetime()
		frappe.db.sql(
			f"""insert into {table} (name, {columns}, creation, modified, owner, modified_by)
			select g.*, %(now)s, %(now)s, %(user)s, %(user)s from ({self.grouped(where, sign)}) g
			on duplicate key update {updates}, {table}.modified = values(modified)""",
			{**params, "now": now, "user": frappe.session.user},
		)

	def add(self, names: list[str]) -> None:
		"""Count the stored source rows `names` in (after they were written)."""
		if names:
			self._upsert("and name in %(names)s", {"names": tuple(names)}, 1)

	def remove(self, names: list[str]) -> None:
		"""Count the stored source rows `names` out (before they are changed or deleted); rows left at zero
		go."""
		if not names:
			return
		params = {"names": tuple(names)}
		self._upsert("and name in %(names)s", params, -1)
		frappe.db.sql(
			f"""delete from `tab{self.table}` where {self.count_column} <= 0
			and name in (select g.name from ({self.grouped("and name in %(names)s")}) g)""",
			params,
		)

	@contextmanager
	def moving(self, names: list[str]):
		"""Source rows written set-based inside: counted out before, in after."""
		self.remove(names)
		yield
		self.add(names)

	# document events of the source doctype (hooks.py → doc_events), in the save's own transaction: the stored
	# row out before a save (a stage move runs before_save too), the saved row in after it, out on delete

	def before_save(self, doc, method=None) -> None:
		if not doc.is_new():
			self.remove([doc.name])

	def on_update(self, doc, method=None) -> None:
		self.add([doc.name])

	def on_trash(self, doc, method=None) -> None:
		self.remove([doc.name])

	def rebuild(self, commit=None) -> dict:
		"""Recompute the table from the source, in one transaction (`commit` ends it; tests pass a no-op)."""
		frappe.db.sql(f"delete from `tab{self.table}`")
		self._upsert("", {}, 1)
		(commit or frappe.db.commit)()
		return {"rows": frappe.db.count(self.table)}

	def mismatches(self) -> list[dict]:
		"""Rollup rows that differ from the GROUP BY over the source, and groups without their row (empty
		when they agree)."""
		g = self.grouped()
		count = self.count_column
		differs = " or ".join(
			[f"g.{count} != t.{count}"]
			+ [f"abs(g.{m} - t.{m}) > {AMOUNT_TOLERANCE}" for m in self.measures if m != count]
		)
		first_key = next(iter(self.keys))
		return frappe.db.sql(
			f"""select 'rollup' as side, t.name, t.{first_key}, t.{count} as rollup_count, g.{count} as raw_count
			from `tab{self.table}` t left join ({g}) g on g.name = t.name
			where g.name is null or {differs}
			union all
			select 'raw', g.name, g.{first_key}, null, g.{count}
			from ({g}) g left join `tab{self.table}` t on t.name = g.name where t.name is null""",
			as_dict=True,
		)
