"""What recycling tells people (SPEC POOL-05): a warning ahead of a rule (once a day per owner) and, after a
run, one notice per former owner with the run's total.

The run's notice is counted from the audit log, not from what the run remembers: every recycle log row
written after the last announced time, up to the run's `now`. So a run that died after committing batches
but before notifying is announced by the next one, and rows moved by several jobs of one run are counted
together. Notifying moves the mark (CRM Suite Settings) to `now` in the same transaction."""

from datetime import datetime

import frappe
from frappe.query_builder.functions import Count
from frappe.utils import add_days, get_datetime, getdate

from crm_suite.services.notify import notify_users
from crm_suite.services.pool.kinds import CUSTOMER, LEAD, Pooled
from crm_suite.services.pool.membership import default_pool
from crm_suite.services.recycle.rules import due_criterion, load_rules

# CRM Suite Settings fields holding the time up to which former owners were told of recycled rows.
ANNOUNCED_UNTIL = {
	CUSTOMER.doctype: "customers_recycle_notified_until",
	LEAD.doctype: "leads_recycle_notified_until",
}
# Without a mark yet (the first run), unannounced recycling is looked for this far back.
CATCH_UP_DAYS = 1


def recycled_by_owner(kind: Pooled, after: datetime, until: datetime) -> dict[str, int]:
	"""{former owner: rows} recycled in (after, until], from the log's (to_salesperson, action, done_at)
	index: one range of it."""
	log = frappe.qb.DocType("Customer Ownership Log")
	return dict(
		frappe.qb.from_(log)
		.select(log.from_salesperson, Count("*"))
		.where(
			log.to_salesperson.isnull()
			& (log.action == "Recycle")
			& (log.done_at > after)
			& (log.done_at <= until)
			& getattr(log, kind.log_field).isnotnull()
		)
		.groupby(log.from_salesperson)
		.run()
	)


def notify_recycled(kind: Pooled, now: datetime) -> int:
	"""One notification per former owner for everything recycled since the mark, up to `now`; moves the
	mark in the caller's transaction. Returns how many owners were notified."""
	field = ANNOUNCED_UNTIL[kind.doctype]
	since = frappe.db.get_single_value("CRM Suite Settings", field, cache=False)
	since = get_datetime(since) if since else add_days(now, -CATCH_UP_DAYS)
	if since >= now:  # this `now` was announced already (a rerun at the same time)
		return 0
	notified = notify_users(
		recycled_by_owner(kind, since, now),
		"{0} overdue records were recycled to the pool.",
		kind.doctype,
		link=preview_link(now),
	)
	frappe.db.set_single_value("CRM Suite Settings", field, now, update_modified=False)
	return notified


def preview_link(on: datetime) -> str:
	return f"/app/query-report/Recycle Preview?on_date={getdate(on)}"


def send_warnings(doctype: str = CUSTOMER.doctype, now: datetime | None = None) -> int:
	"""Warn owners whose rows become overdue within a rule's warning days (once a day per owner)."""
	from crm_suite.services.pool.kinds import KINDS

	kind = KINDS[doctype]
	now = get_datetime(now) if now else frappe.utils.now_datetime()
	home_pool = default_pool(kind.pool_type)
	t = frappe.qb.DocType(kind.doctype)
	rules = load_rules(kind)
	counts: dict[str, int] = {}
	for rule in rules:
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
	link = preview_link(add_days(now, max((r.warn_days for r in rules), default=0)))
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
