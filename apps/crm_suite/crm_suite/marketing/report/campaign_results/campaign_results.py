"""Campaign results (SPEC MKT-01): per campaign the leads, customers, opportunities, won and ordered amounts
and approved expenses that carry it, counted live, against its budget. Rows are the campaigns the user may
see (ORG-03: the campaigns' own scope, permissions/marketing.py); the figures are the campaign's totals."""

import frappe
from frappe import _
from frappe.utils import getdate

from crm_suite.permissions.marketing import campaign_scope_criterion
from crm_suite.permissions.rows import where_in_scope
from crm_suite.policies.campaign import budget_summary
from crm_suite.services.marketing import CAMPAIGN, results_for

STATUSES = ("Planned", "In Progress", "Completed", "Cancelled")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	columns = [
		{"fieldname": "campaign", "label": _("Sales Campaign"), "fieldtype": "Link", "options": CAMPAIGN, "width": 140},
		{"fieldname": "campaign_name", "label": _("Campaign Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "channel", "label": _("Channel"), "fieldtype": "Data", "width": 100},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 90},
		{"fieldname": "start_date", "label": _("Start Date"), "fieldtype": "Date", "width": 100},
		{"fieldname": "target_customers", "label": _("Target Customers"), "fieldtype": "Int", "width": 110},
		{"fieldname": "leads", "label": _("Leads"), "fieldtype": "Int", "width": 80},
		{"fieldname": "customers", "label": _("Customers"), "fieldtype": "Int", "width": 90},
		{"fieldname": "opportunities", "label": _("Opportunities"), "fieldtype": "Int", "width": 100},
		{"fieldname": "won_opportunities", "label": _("Won Opportunities"), "fieldtype": "Int", "width": 120},
		{"fieldname": "won_amount", "label": _("Won Amount"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "order_amount", "label": _("Order Amount"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "budget", "label": _("Budget"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "expense_amount", "label": _("Spent"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "return_ratio", "label": _("Return on Spend"), "fieldtype": "Float", "width": 110},
	]  # fmt: skip
	campaigns = visible_campaigns(filters)
	results = results_for([c.name for c in campaigns])
	data = []
	for c in campaigns:
		figures = results[c.name]
		money = budget_summary(c.budget, figures["expense_amount"], figures["order_amount"])
		data.append(
			{
				"campaign": c.name,
				"campaign_name": c.campaign_name,
				"channel": _(c.channel) if c.channel else None,
				"status": _(c.status),
				"start_date": c.start_date,
				**figures,
				"budget": money["budget"],
				"return_ratio": money["return_ratio"],
			}
		)
	chart = {
		"data": {
			"labels": [row["campaign_name"] for row in data],
			"datasets": [
				{"name": _("Customers"), "values": [row["customers"] for row in data]},
				{"name": _("Won Opportunities"), "values": [row["won_opportunities"] for row in data]},
			],
		},
		"type": "bar",
	}
	summary = [
		{"label": _("Campaigns"), "value": len(data), "datatype": "Int"},
		{"label": _("Leads"), "value": sum(r["leads"] for r in data), "datatype": "Int"},
		{"label": _("Customers"), "value": sum(r["customers"] for r in data), "datatype": "Int"},
		{"label": _("Order Amount"), "value": sum(r["order_amount"] for r in data), "datatype": "Currency"},
	]
	return columns, data, None, chart, summary


def visible_campaigns(filters) -> list:
	campaign = frappe.qb.DocType(CAMPAIGN)
	query = (
		frappe.qb.from_(campaign)
		.select(
			campaign.name,
			campaign.campaign_name,
			campaign.channel,
			campaign.status,
			campaign.start_date,
			campaign.budget,
		)
		.orderby(campaign.start_date, order=frappe.qb.desc)
		.limit(500)
	)
	query = where_in_scope(query, campaign_scope_criterion(table=campaign))
	if filters.from_date:
		query = query.where(campaign.end_date >= getdate(filters.from_date))
	if filters.to_date:
		query = query.where(campaign.start_date <= getdate(filters.to_date))
	if filters.status in STATUSES:
		query = query.where(campaign.status == filters.status)
	if filters.channel:
		query = query.where(campaign.channel == filters.channel)
	if filters.campaign_owner:
		query = query.where(campaign.campaign_owner == filters.campaign_owner)
	return query.run(as_dict=True)
