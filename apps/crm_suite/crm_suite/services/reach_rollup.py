"""The follow-up reach rollup (SPEC RPT-02, issue 17): how many distinct customers each salesperson followed up
in a month, kept up as follow-ups are written, so that Follow Up Statistics' *Customers* column reads a row per
person and month instead of a distinct count over the month's follow-ups (1.3 s for a manager of 200 at
5M follow-ups).

A distinct count cannot be summed from daily rows, nor kept as a bare counter: a follow-up adds a customer only
when it is that customer's first of the month for the person, and a delete takes one away only with the last.
So two tables:

- *Follow Up Customer Month*: month × salesperson × sales department × customer → follow-ups (the bookkeeping);
- *Follow Up Month Reach*: month × salesperson × sales department → customers, the count of the former's rows.

Follow-ups of no customer (a lead's) are not counted, as the report never showed them. The bookkeeping also
serves Customer Stickiness (RPT-11): a month's follow-ups per person and customer, already grouped, with the
customer's current category and kind on the row (kept by `customer_types_changed()` when they change), so the
report groups them by type without joining a customer per row.

Kept in the writing transaction, set-based over the stored rows and next to the daily rollup
(services/activity_rollup.py calls `add()` / `remove()` with the same raw names):
- `add()`: the bookkeeping rows gain the rows' counts, then the reach gains one for every bookkeeping row that
  now holds exactly the rows' count (it was made just now: its customer is new to the month);
- `remove()`: the bookkeeping rows lose the rows' counts, the reach loses one for every bookkeeping row that
  reached zero, then rows at zero are deleted from both.
Every upsert hits a primary key: the names are hashes of the keys computed in SQL, in the table's collation
so that MariaDB keys a derived table on them (services/activity_rollup.TABLE_COLLATION).

`rebuild()` recomputes whole months from the follow-ups, one month per transaction with its progress mark
(resumes after a kill), and `mismatches()` compares both tables with the GROUP BY over the follow-ups."""

import frappe
from frappe.utils import add_months, get_first_day, get_last_day, getdate, now_datetime

from crm_suite.services import rollup_jobs
from crm_suite.services.activity_rollup import TABLE_COLLATION

SOURCE = "Follow Up Record"
CUSTOMER_MONTH = "Follow Up Customer Month"
REACH = "Follow Up Month Reach"
PROGRESS_KEY = "crm_suite_reach_rollup_rebuilt_through"

_MONTH = "cast(date_format(f.followed_on, '%%Y-%%m-01') as date)"
# the customer's type rides along on the bookkeeping row (Customer Stickiness groups by it without a join)
TYPES = ("customer_category", "customer_kind")


def _name(*columns: str) -> str:
	parts = ", ".join(f"coalesce({c}, '')" for c in columns)
	return f"sha1(concat_ws('|', {parts})) collate {TABLE_COLLATION}"


def grouped_customers(where: str) -> str:
	"""The bookkeeping rows computed from the follow-ups `f` matching `where` (SQL with %(…)s parameters), with
	their customers' current type."""
	return f"""select {_name("month", "salesperson", "sales_department", "customer")} as name,
			month, salesperson, sales_department, customer, {", ".join(TYPES)}, count(*) as follow_up_count
		from (
			select {_MONTH} as month, nullif(f.salesperson, '') as salesperson,
				nullif(f.sales_department, '') as sales_department, f.customer,
				nullif(c.customer_category, '') as customer_category, nullif(c.customer_kind, '') as customer_kind
			from `tab{SOURCE}` f left join `tabCustomer Account` c on c.name = f.customer
			where f.followed_on is not null and ifnull(f.customer, '') != '' {where}
		) raw
		group by month, salesperson, sales_department, customer, {", ".join(TYPES)}"""


def _reach_of(rows_sql: str, sign: int = 1) -> str:
	"""Reach rows counting the rows of `rows_sql` (bookkeeping-shaped) per month, person and department."""
	return f"""select {_name("month", "salesperson", "sales_department")} as name,
			month, salesperson, sales_department, {sign} * count(*) as customer_count
		from ({rows_sql}) counted
		group by month, salesperson, sales_department"""


def _stamp():
	now = now_datetime()
	return {"now": now, "user": frappe.session.user}


def _upsert_reach(rows_sql: str, params: dict, sign: int = 1) -> None:
	table = f"`tab{REACH}`"
	frappe.db.sql(
		f"""insert into {table} (name, month, salesperson, sales_department, customer_count,
			creation, modified, owner, modified_by)
		select g.*, %(now)s, %(now)s, %(user)s, %(user)s from ({_reach_of(rows_sql, sign)}) g
		on duplicate key update {table}.customer_count = {table}.customer_count + values(customer_count),
			{table}.modified = values(modified)""",
		{**params, **_stamp()},
	)


def _upsert_customers(where: str, params: dict, sign: int) -> None:
	table = f"`tab{CUSTOMER_MONTH}`"
	frappe.db.sql(
		f"""insert into {table} (name, month, salesperson, sales_department, customer, customer_category,
			customer_kind, follow_up_count, creation, modified, owner, modified_by)
		select g.name, g.month, g.salesperson, g.sales_department, g.customer, g.customer_category,
			g.customer_kind, {sign} * g.follow_up_count, %(now)s, %(now)s, %(user)s, %(user)s
		from ({grouped_customers(where)}) g
		on duplicate key update {table}.follow_up_count = {table}.follow_up_count + values(follow_up_count),
			{table}.customer_category = values(customer_category), {table}.customer_kind = values(customer_kind),
			{table}.modified = values(modified)""",
		{**params, **_stamp()},
	)


def add(names: list[str]) -> None:
	"""Count the stored follow-ups `names` in (after they were written)."""
	if not names:
		return
	params = {"names": tuple(names)}
	where = "and f.name in %(names)s"
	_upsert_customers(where, params, 1)
	# a bookkeeping row holding exactly the rows' count was made just now: its customer is new to the month.
	# Read after the upsert, which locked the row: a concurrent first follow-up of the same customer waits for
	# this transaction and then finds the count above its own (a check before the upsert would let both count
	# the customer)
	new_customers = f"""select p.* from ({grouped_customers(where)}) g
		join `tab{CUSTOMER_MONTH}` p on p.name = g.name and p.follow_up_count = g.follow_up_count"""
	_upsert_reach(new_customers, params)


def remove(names: list[str]) -> None:
	"""Count the stored follow-ups `names` out (before they are changed or deleted)."""
	if not names:
		return
	params = {"names": tuple(names)}
	where = "and f.name in %(names)s"
	# the bookkeeping and reach rows the follow-ups count in, read once (each later step keys on them)
	touched = frappe.db.sql(
		f"""select g.name, {_name("g.month", "g.salesperson", "g.sales_department")}
		from ({grouped_customers(where)}) g""",
		params,
	)
	_upsert_customers(where, params, -1)
	if not touched:
		return
	keys = {"rows": tuple(r[0] for r in touched), "reach": tuple({r[1] for r in touched})}
	emptied = f"select p.* from `tab{CUSTOMER_MONTH}` p where p.follow_up_count <= 0 and p.name in %(rows)s"
	_upsert_reach(emptied, keys, -1)
	frappe.db.sql(f"delete from `tab{CUSTOMER_MONTH}` where follow_up_count <= 0 and name in %(rows)s", keys)
	frappe.db.sql(f"delete from `tab{REACH}` where customer_count <= 0 and name in %(reach)s", keys)


def customer_types_changed(customers: list[str], deleted: bool = False) -> None:
	"""The customers' category or kind changed (a save, a won deal): their bookkeeping rows take the new type;
	`deleted`: the customers are being deleted (their follow-ups, if kept, are then of no type)."""
	if customers and deleted:
		frappe.db.sql(
			f"""update `tab{CUSTOMER_MONTH}` set customer_category = null, customer_kind = null
			where customer in %(customers)s""",
			{"customers": tuple(customers)},
		)
	elif customers:
		frappe.db.sql(
			f"""update `tab{CUSTOMER_MONTH}` p join `tabCustomer Account` c on c.name = p.customer
			set p.customer_category = nullif(c.customer_category, ''), p.customer_kind = nullif(c.customer_kind, '')
			where p.customer in %(customers)s""",
			{"customers": tuple(customers)},
		)


def rebuild_months(start, end) -> None:
	"""Recompute the months from `start`'s to `end`'s (first days) from the follow-ups (the caller commits)."""
	start, end = get_first_day(start), get_first_day(end)
	params = {"start": start, "end": end, "after": add_months(end, 1)}
	frappe.db.sql(f"delete from `tab{REACH}` where month between %(start)s and %(end)s", params)
	frappe.db.sql(f"delete from `tab{CUSTOMER_MONTH}` where month between %(start)s and %(end)s", params)
	_upsert_customers("and f.followed_on >= %(start)s and f.followed_on < %(after)s", params, 1)
	_upsert_reach(f"select * from `tab{CUSTOMER_MONTH}` where month between %(start)s and %(end)s", params)


def days_outside(day, from_date, to_date):
	"""A criterion on a daily rollup's `day`: the days of the period's first and last calendar months that fall
	outside it (none: the period's follow-ups are those of whole months, and the reach's counts are its own)."""
	first, last = get_first_day(from_date), get_last_day(to_date)
	return ((day >= first) & (day < from_date)) | ((day > to_date) & (day <= last))


def _month_bounds():
	row = frappe.db.sql(
		f"""select min(d), max(d) from (
			select date(min(followed_on)) as d from `tab{SOURCE}` union all select date(max(followed_on)) from `tab{SOURCE}`
			union all select min(month) from `tab{CUSTOMER_MONTH}` union all select max(month) from `tab{CUSTOMER_MONTH}`
			union all select min(month) from `tab{REACH}` union all select max(month) from `tab{REACH}`
		) bounds"""
	)[0]
	return (get_first_day(row[0]), get_first_day(row[1])) if row[0] else (None, None)


def rebuilt_through():
	"""The last day (a month's last) a running or killed rebuild committed, or None."""
	return rollup_jobs.rebuilt_through(PROGRESS_KEY)


def rebuild(restart: bool = False, stop_after_chunks: int | None = None, commit=None) -> dict:
	"""Recompute both tables from the follow-ups, a month per transaction together with its progress mark,
	resuming after the last month a killed run committed (unless `restart`; services/rollup_jobs.py).
	`bench --site … execute crm_suite.services.reach_rollup.rebuild` (also run by activity_rollup.rebuild)."""
	first, last = _month_bounds()
	return rollup_jobs.rebuild_by_month(
		PROGRESS_KEY,
		(first, get_last_day(last) if last else None),
		rebuild_months,
		restart=restart,
		stop_after_chunks=stop_after_chunks,
		commit=commit,
	)


def mismatches(start=None, end=None) -> list[dict]:
	"""Bookkeeping or reach rows that differ from the GROUP BY over the follow-ups (and raw groups without
	their row); empty when they agree. Over the months of [start, end] when given."""
	params, raw_where, month_where = {}, "", ""
	if start and end:
		params = {
			"start": get_first_day(start),
			"end": get_first_day(end),
			"after": add_months(get_first_day(end), 1),
		}
		raw_where = "and f.followed_on >= %(start)s and f.followed_on < %(after)s"
		month_where = "and t.month between %(start)s and %(end)s"
	out = []
	for table, grouped, count, attributes in (
		(CUSTOMER_MONTH, grouped_customers(raw_where), "follow_up_count", TYPES),
		(REACH, _reach_of(grouped_customers(raw_where)), "customer_count", ()),
	):
		differs = " or ".join([f"g.{count} != t.{count}", *(f"not (g.{a} <=> t.{a})" for a in attributes)])
		out += frappe.db.sql(
			f"""select %(table)s as doctype, 'rollup' as side, t.name, t.month, t.{count} as count, g.{count} as raw_count
			from `tab{table}` t left join ({grouped}) g on g.name = t.name
			where (g.name is null or {differs}) {month_where}
			union all
			select %(table)s, 'raw', g.name, g.month, null, g.{count}
			from ({grouped}) g left join `tab{table}` t on t.name = g.name where t.name is null""",
			{**params, "table": table},
			as_dict=True,
		)
	return out
