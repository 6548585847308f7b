"""Overdue opportunities (SPEC SALE-01): open ones whose expected close date has passed. Each is flagged once
(until its close date changes) and its owner gets one notice with the count, per run."""

import frappe
from frappe.query_builder.functions import Count
from frappe.utils import getdate, now_datetime

from crm_suite.services.notify import notify_users

OPPORTUNITY = "Sales Opportunity"


def flag_overdue_opportunities(today=None) -> dict[str, int]:
	"""Returns {owner: newly overdue opportunities}."""
	today = getdate(today)
	t = frappe.qb.DocType(OPPORTUNITY)
	due = (t.status == "Open") & (t.expected_close_date < today) & (t.overdue_notified == 0)
	counts = dict(
		frappe.qb.from_(t)
		.select(t.salesperson, Count("*"))
		.where(due & t.salesperson.isnotnull())
		.groupby(t.salesperson)
		.run()
	)
	if not counts:
		return {}
	frappe.qb.update(t).set(t.overdue_notified, 1).set(t.modified, now_datetime()).where(due).run()
	notify_users(
		counts,
		"{0} of your opportunities passed their expected close date without being won or lost",
		OPPORTUNITY,
		link="/app/sales-opportunity?status=Open&overdue_notified=1",
	)
	return counts
