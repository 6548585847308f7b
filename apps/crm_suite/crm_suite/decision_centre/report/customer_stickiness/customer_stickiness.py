"""Customer stickiness (SPEC RPT-11) by customer type (category or kind) over a period: repeat purchase —
customers with at least one and with two or more confirmed or completed Customer Orders in the period, orders
per buying customer — and contact frequency — follow-ups per customer per month. The customers counted are
those held by the people the viewer sees (permissions/reports.py), with all their orders of the period; the
contact side is the follow-ups those people made in the period, by their customers' type (the team's contact
with each type of customer, whoever holds the customer now).

Three queries, each reading on the order of the period's rows rather than every customer (issue 17): the
customers per type from *Customer Holding* (services/holding_rollup.py: a row per salesperson × category × kind,
kept up with every customer written or moved); the period's orders grouped per customer, each group joined to
its customer by primary key for the scope and the type; the follow-ups of the people in scope per type — for
whole months from their month bookkeeping (*Follow Up Customer Month*, services/reach_rollup.py: a row per
month, person and customer with the customer's type), index entries only."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum
from frappe.utils import get_first_day, get_last_day, month_diff

from crm_suite.decision_centre.reporting import datetime_range, per, period, ratio
from crm_suite.permissions.reports import where_reported
from crm_suite.services.activity_rollup import FOLLOW_UPS
from crm_suite.services.holding_rollup import HOLDING
from crm_suite.services.reach_rollup import CUSTOMER_MONTH, days_outside

TYPES = {"Category": ("customer_category", "Customer Category"), "Kind": ("customer_kind", "Customer Kind")}
# a scope holding this many customers reads a month's follow-ups per type rather than per person
TEAM_CUSTOMERS = 20000
COUNTS = ("customers", "buying_customers", "repeat_customers", "orders", "followed_customers", "follow_ups")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	from_date, to_date = period(filters, default_start=frappe.utils.get_year_start(frappe.utils.getdate()))
	months = max(month_diff(to_date, from_date), 1)
	column, label = TYPES.get(filters.group_by) or TYPES["Category"]
	data = stickiness(filters, from_date, to_date, column)
	for row in data:
		for k in COUNTS:
			row[k] = int(row[k] or 0)
		row.customer_type = row.customer_type or _("Not Set")
		row.repeat_rate = ratio(row.repeat_customers, row.buying_customers)
		row.orders_per_buyer = per(row.orders, row.buying_customers, 2)
		row.follow_ups_per_customer_month = per(row.follow_ups, row.customers * months, 2)
	columns = [
		{"fieldname": "customer_type", "label": _(label), "fieldtype": "Data", "width": 150},
		{"fieldname": "customers", "label": _("Customers"), "fieldtype": "Int", "width": 100},
		{"fieldname": "buying_customers", "label": _("Buying Customers"), "fieldtype": "Int", "width": 120},
		{"fieldname": "repeat_customers", "label": _("Repeat Customers"), "fieldtype": "Int", "width": 120},
		{"fieldname": "repeat_rate", "label": _("Repeat Purchase Rate"), "fieldtype": "Percent", "width": 140},
		{"fieldname": "orders", "label": _("Orders"), "fieldtype": "Int", "width": 80},
		{"fieldname": "orders_per_buyer", "label": _("Orders per Buying Customer"), "fieldtype": "Float", "width": 160},
		{"fieldname": "followed_customers", "label": _("Followed Customers"), "fieldtype": "Int", "width": 130},
		{"fieldname": "follow_ups", "label": _("Follow-ups"), "fieldtype": "Int", "width": 100},
		{"fieldname": "follow_ups_per_customer_month", "label": _("Follow-ups per Customer per Month"), "fieldtype": "Float", "width": 200},
	]  # fmt: skip
	chart = {
		"data": {
			"labels": [r.customer_type for r in data],
			"datasets": [
				{"name": _("Repeat Purchase Rate"), "values": [r.repeat_rate or 0 for r in data]},
				{"name": _("Follow-ups per Customer per Month"), "values": [r.follow_ups_per_customer_month or 0 for r in data]},
			],
		},
		"type": "bar",
	}  # fmt: skip
	total = {k: sum(r[k] for r in data) for k in COUNTS}
	summary = [
		{"value": total["customers"], "label": _("Customers"), "datatype": "Int"},
		{"value": ratio(total["repeat_customers"], total["buying_customers"]), "label": _("Repeat Purchase Rate"), "datatype": "Percent", "indicator": "Green"},
		{"value": per(total["follow_ups"], total["customers"] * months, 2), "label": _("Follow-ups per Customer per Month"), "datatype": "Float", "indicator": "Blue"},
	]  # fmt: skip
	return columns, data, None, chart if data else None, summary


def stickiness(filters, from_date, to_date, column: str) -> list[frappe._dict]:
	"""One row per customer type in scope (most customers first) with the period's counts."""
	c = frappe.qb.DocType("Customer Account")
	held = c.salesperson.isnotnull()

	def in_scope(query):
		return where_reported(query.where(held), c.salesperson, filters)

	# the customers held per type: a few rows per salesperson (services/holding_rollup.py)
	h = frappe.qb.DocType(HOLDING)
	customers = where_reported(
		frappe.qb.from_(h).select(h[column], Sum(h.customer_count)).groupby(h[column]), h.salesperson, filters
	).run()
	rows = {
		kind: frappe._dict({"customer_type": kind, **dict.fromkeys(COUNTS, 0), "customers": int(n)})
		for kind, n in customers
		if n
	}

	held_in_scope = sum(r.customers for r in rows.values())

	def per_type(grouped, period_rows, customers_key: str, repeat_key: str | None, count_key: str):
		straight = fewer_rows_than(period_rows, held_in_scope)
		n = grouped.n
		query = (
			frappe.qb.from_(grouped)
			.join(c)
			.on(c.name == grouped.customer)
			.select(c[column], Count("*"), Sum(Case().when(n >= 2, 1).else_(0)), Sum(n))
			.groupby(c[column])
		)
		if straight:
			# STRAIGHT_JOIN: the period's groups first, each joined to its customer by primary key. Left to
			# itself, MariaDB turns the grouped table into a LATERAL DERIVED one looked up per customer in scope —
			# every customer of a manager's team, 2.7M rows read at 1M customers for one month against 0.9M this
			# way. A scope holding fewer customers than the period has rows (a salesperson's) is read the other
			# way round: its customers, each with its own rows of the period (the lateral lookup).
			query = query.modifier("STRAIGHT_JOIN")
		for kind, with_any, with_two, total in in_scope(query).run():
			row = rows.get(kind or None)  # the holding keeps '' as None
			if row is None:  # cannot happen: the same scope counted the customers
				continue
			row[customers_key] = int(with_any or 0)
			if repeat_key:
				row[repeat_key] = int(with_two or 0)
			row[count_key] = int(total or 0)

	o = frappe.qb.DocType("Customer Order")
	order_range = (o.transaction_date >= from_date) & (o.transaction_date <= to_date)
	period_orders = frappe.qb.from_(o).select(o.name).where(order_range)
	orders = (
		frappe.qb.from_(o)
		.select(o.customer, Count("*").as_("n"))
		.where(
			(o.docstatus == 1)
			& o.status.isin(("Confirmed", "Completed"))
			& order_range
			& o.customer.isnotnull()
		)
		.groupby(o.customer)
	).as_("orders")
	per_type(orders, period_orders, "buying_customers", "repeat_customers", "orders")
	team = held_in_scope >= TEAM_CUSTOMERS
	for kind, followed, total in follow_ups_per_type(filters, from_date, to_date, column, team):
		row = rows.get(kind or None)
		if row is None:  # followed by the people in scope, none of its type held by them
			row = rows[kind or None] = frappe._dict({"customer_type": kind, **dict.fromkeys(COUNTS, 0)})
		row.followed_customers = int(followed or 0)
		row.follow_ups = int(total or 0)
	return sorted(rows.values(), key=lambda r: (-r.customers, -r.follow_ups))


def follow_ups_per_type(filters, from_date, to_date, column: str, team: bool = False) -> list:
	"""(type, distinct customers followed, follow-ups) of the period's follow-ups made by the people in scope,
	by their customers' type: for whole months from the month bookkeeping (services/reach_rollup.py: a row per
	month, person and customer, the customer's type on it), index entries only — a few people's by person, a
	`team`'s (or everyone's) in (month, type, customer) order, so the distinct count streams instead of sorting
	the month's 140k rows of a manager of 200 (2.7 s → 0.6 s on a loaded machine) — else from the follow-ups,
	each joined to its customer for the type."""
	if months := whole_months(from_date, to_date):
		p = frappe.qb.DocType(CUSTOMER_MONTH)
		month = p.month == months[0] if months[0] == months[1] else p.month.between(*months)
		query = (
			frappe.qb.from_(p)
			.select(p[column], Count(p.customer).distinct(), Sum(p.follow_up_count))
			.where(month)
			.groupby(p[column])
		)
		if team:
			query = query.force_index(f"stickiness_{column}_index")
		return where_reported(query, p.salesperson, filters).run()
	f = frappe.qb.DocType("Follow Up Record")
	c = frappe.qb.DocType("Customer Account")
	query = (
		frappe.qb.from_(f)
		.join(c)
		.on(c.name == f.customer)
		.select(c[column], Count(f.customer).distinct(), Count("*"))
		.where(datetime_range(f.followed_on, from_date, to_date))
		.groupby(c[column])
	)
	return where_reported(query, f.salesperson, filters).run()


def whole_months(from_date, to_date):
	"""(first month, last month) when the period's follow-ups are those of whole calendar months — the period
	covers them, or no follow-up of its first and last month falls outside it (the daily rollup tells) —
	else None."""
	first, last = get_first_day(from_date), get_first_day(to_date)
	d = frappe.qb.DocType(FOLLOW_UPS.doctype)
	if frappe.qb.from_(d).select(d.name).where(days_outside(d.day, from_date, to_date)).limit(1).run():
		return None
	return first, last


def fewer_rows_than(query, limit: int) -> bool:
	"""Whether `query` (one column, rows of the period on a date index) has fewer than `limit` rows, reading at
	most `limit` index entries to know."""
	if limit <= 0:
		return False
	sql = query.limit(limit).get_sql()
	return frappe.db.sql(f"select count(*) from ({sql}) period_rows")[0][0] < limit
