"""Conversion funnel (SPEC RPT-03) per salesperson or per department over a period: leads received and
converted to customers (Sales Lead), calls made and valid (Phone Call Record, the call centre's valid-call
duration), new customers and customers turned into deals (Customer Account deal_on), and what one deal took:
calls per deal and prospects (leads and new customers) per deal. One grouped query per source document,
within the viewer's report scope (permissions/reports.py)."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum

from crm_suite.decision_centre.reporting import by_owner, datetime_range, owner_columns, per, period, ratio
from crm_suite.permissions.reports import where_reported
from crm_suite.services.activity_rollup import CALLS

COUNTS = ("leads", "converted_leads", "calls", "valid_calls", "new_customers", "deals")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	from_date, to_date = period(filters)
	by_department = filters.group_by == "Department"
	counts = funnel_counts(filters, from_date, to_date)
	grouped = by_owner(counts, COUNTS, by_department)
	data = [
		{**row, **rates(row), **owner}
		for owner, row in sorted(grouped.values(), key=lambda pair: -pair[1]["deals"])
	]
	total = {k: sum(r[k] for r in data) for k in COUNTS}
	total_rates = rates(total)
	chart = {
		"data": {
			"labels": [_("Leads"), _("Converted Leads"), _("New Customers"), _("Deals")],
			"datasets": [
				{
					"name": _("Funnel"),
					"values": [
						total["leads"],
						total["converted_leads"],
						total["new_customers"],
						total["deals"],
					],
				}
			],
		},
		"type": "bar",
	}
	summary = [
		{"value": total_rates["lead_conversion"], "label": _("Lead Conversion Rate"), "datatype": "Percent"},
		{"value": total_rates["valid_call_rate"], "label": _("Valid Call Rate"), "datatype": "Percent"},
		{"value": total_rates["deal_rate"], "label": _("Deal Rate"), "datatype": "Percent", "indicator": "Green"},
		{"value": total_rates["calls_per_deal"], "label": _("Calls per Deal"), "datatype": "Float"},
		{"value": total_rates["prospects_per_deal"], "label": _("Prospects per Deal"), "datatype": "Float"},
	]  # fmt: skip
	return get_columns(by_department), data, None, chart if data else None, summary


def rates(row: dict) -> dict:
	return {
		"lead_conversion": ratio(row["converted_leads"], row["leads"]),
		"valid_call_rate": ratio(row["valid_calls"], row["calls"]),
		"deal_rate": ratio(row["deals"], row["new_customers"]),
		"calls_per_deal": per(row["calls"], row["deals"]),
		"prospects_per_deal": per(row["leads"] + row["new_customers"], row["deals"]),
	}


def funnel_counts(filters, from_date, to_date) -> dict[str, dict]:
	"""salesperson → the six counts of the period."""
	lead = frappe.qb.DocType("Sales Lead")
	leads = (
		frappe.qb.from_(lead)
		.select(
			lead.salesperson,
			Count("*"),
			Sum(
				Case().when(lead.converted_customer.isnotnull() & (lead.converted_customer != ""), 1).else_(0)
			),
		)
		.where(datetime_range(lead.creation, from_date, to_date) & lead.salesperson.isnotnull())
		.groupby(lead.salesperson)
	)
	call = frappe.qb.DocType(CALLS.doctype)  # the call rollup (services/activity_rollup.py)
	calls = (
		frappe.qb.from_(call)
		.select(call.user, Sum(call.call_count), Sum(call.valid_count))
		.where((call.day >= from_date) & (call.day <= to_date) & call.user.isnotnull())
		.groupby(call.user)
	)
	c = frappe.qb.DocType("Customer Account")
	# two index reads, not one OR that reads every customer: each person's range of salesperson_report (salesperson,
	# creation) alone — a period of the creation index sorts its rows per salesperson (0.3 s vs 35 ms for a
	# manager's month at 1M) — and a range of deal_report_index (deal_on, salesperson)
	created = (
		frappe.qb.from_(c)
		.select(c.salesperson, Count("*"))
		.where(datetime_range(c.creation, from_date, to_date) & c.salesperson.isnotnull())
		.groupby(c.salesperson)
	)
	dealt = (
		frappe.qb.from_(c)
		.select(c.salesperson, Count("*"))
		.where((c.deal_on >= from_date) & (c.deal_on <= to_date) & c.salesperson.isnotnull())
		.groupby(c.salesperson)
	)
	counts: dict[str, dict] = {}

	def add(rows, first, second):
		for salesperson, a, b in rows:
			if not salesperson:
				continue
			row = counts.setdefault(salesperson, dict.fromkeys(COUNTS, 0))
			row[first] += int(a or 0)
			row[second] += int(b or 0)

	add(where_reported(leads, lead.salesperson, filters).run(), "leads", "converted_leads")
	add(where_reported(calls, call.user, filters).run(), "calls", "valid_calls")
	for rows, key in (
		(where_reported(created, c.salesperson, filters).run(), "new_customers"),
		(where_reported(dealt, c.salesperson, filters).run(), "deals"),
	):
		for salesperson, n in rows:
			counts.setdefault(salesperson, dict.fromkeys(COUNTS, 0))[key] += int(n or 0)
	return counts


def get_columns(by_department: bool) -> list[dict]:
	return owner_columns(by_department) + [
		{"fieldname": "leads", "label": _("Leads"), "fieldtype": "Int", "width": 80},
		{"fieldname": "converted_leads", "label": _("Converted Leads"), "fieldtype": "Int", "width": 110},
		{"fieldname": "lead_conversion", "label": _("Lead Conversion Rate"), "fieldtype": "Percent", "width": 120},
		{"fieldname": "calls", "label": _("Calls"), "fieldtype": "Int", "width": 80},
		{"fieldname": "valid_calls", "label": _("Valid Calls"), "fieldtype": "Int", "width": 90},
		{"fieldname": "valid_call_rate", "label": _("Valid Call Rate"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "new_customers", "label": _("New Customers"), "fieldtype": "Int", "width": 110},
		{"fieldname": "deals", "label": _("Deals"), "fieldtype": "Int", "width": 80},
		{"fieldname": "deal_rate", "label": _("Deal Rate"), "fieldtype": "Percent", "width": 90},
		{"fieldname": "calls_per_deal", "label": _("Calls per Deal"), "fieldtype": "Float", "width": 110},
		{"fieldname": "prospects_per_deal", "label": _("Prospects per Deal"), "fieldtype": "Float", "width": 120},
	]  # fmt: skip
