"""One recycling batch (SPEC POOL-05, ORG-05): up to n overdue rows of one rule go back to their pool, with
their audit rows, in one transaction.

The audit rows come first: one `INSERT … SELECT … FOR UPDATE` lets the server find the rule's overdue rows
on its index, lock them and write one Customer Ownership Log row for each, named with the batch's own prefix
then a counter (so they append to the log's primary key in order). Those log rows are then the batch: one
`UPDATE … JOIN` over that stretch of the log's primary key moves exactly their customers (and the run's
notice counts the former owners from the log). No list of names crosses the wire, and no column of the customer is used
as a marker. A rerun only finds rows still overdue, so a run killed half-way and run again ends where one
clean run would, without duplicate logs."""

from datetime import datetime

import frappe

from crm_suite.services.ownership import counter_width, row_name_prefix
from crm_suite.services.pool.kinds import POOL_STATE, Pooled
from crm_suite.services.pool.locks import retry_on_deadlock
from crm_suite.services.pool.moves import held_customers_moving
from crm_suite.services.recycle.rules import Rule

LOG = "Customer Ownership Log"


def recycle_batch(kind: Pooled, rule: Rule, due, home_pool, now: datetime, size: int, commit: bool):
	"""One batch, one transaction: log, move, commit. Returns how many rows moved."""
	prefix = row_name_prefix()
	moved = _log_due_rows(kind, due, prefix, home_pool, rule.reason(), now, size)
	if moved:
		logged = frappe.db.sql(
			f"select `{kind.log_field}` from `tab{LOG}` where `name` like %s and `action` = 'Recycle'",
			(f"{prefix}%",),
			pluck=True,
		)
		with held_customers_moving(kind, logged):  # the customers held per salesperson and type (RPT-11)
			_move_logged_rows(kind, prefix, now)
	if commit:
		frappe.db.commit()
	return moved


# A committed batch stands on its own, so a batch that loses a deadlock to a claim is simply run again
# (only when committing batch by batch: otherwise a retry's rollback would undo the earlier batches).
recycle_batch_retried = retry_on_deadlock(recycle_batch)


def _log_due_rows(kind: Pooled, due, prefix: str, home_pool, reason: str, now: datetime, size: int) -> int:
	"""Lock up to `size` rows matching `due` and write their log rows; returns how many."""
	t = frappe.qb.DocType(kind.doctype)
	select = (
		frappe.qb.from_(t).select(t.name, t.salesperson, t.customer_pool).where(due).limit(size).for_update()
	)
	frappe.db.sql(
		f"""insert into `tab{LOG}`
			(`name`, `{kind.log_field}`, `action`, `from_salesperson`, `to_pool`, `reason`, `done_by`, `done_at`,
			 `owner`, `modified_by`, `creation`, `modified`)
		select concat(%(prefix)s, lpad(lower(hex(row_number() over ())), %(digits)s, '0')), due.`name`,
			'Recycle', due.`salesperson`, coalesce(due.`customer_pool`, %(home)s), %(reason)s, %(user)s,
			%(now)s, %(user)s, %(user)s, %(now)s, %(now)s
		from ({select.get_sql()}) due""",
		{
			"prefix": prefix,
			"digits": counter_width(size),
			"home": home_pool,
			"reason": reason,
			"user": frappe.session.user,
			"now": now,
		},
	)
	return frappe.db.sql("select row_count()")[0][0]


def _move_logged_rows(kind: Pooled, prefix: str, now: datetime):
	"""Move the rows the batch logged (already locked) to their pool."""
	frappe.db.sql(
		f"""update `tab{LOG}` log join `tab{kind.doctype}` t on t.`name` = log.`{kind.log_field}`
		set t.`last_released_by` = t.`salesperson`, t.`last_released_on` = %(now)s, t.`salesperson` = null,
			t.`sales_department` = null, t.`lifecycle_state` = %(pool_state)s, t.`customer_pool` = log.`to_pool`,
			t.`modified` = %(modified)s, t.`modified_by` = %(user)s
		where log.`name` like %(batch)s and log.`action` = 'Recycle'""",
		{
			"now": now,
			"pool_state": POOL_STATE,
			"modified": frappe.utils.now_datetime(),
			"user": frappe.session.user,
			"batch": f"{prefix}%",
		},
	)
