"""Marketing campaigns (SPEC MKT-01): results counted live from the leads, customers, opportunities, orders
and expenses that carry the campaign (their `campaign` link), goals measured against them, tasks read from
Frappe's assignments (ToDo). Every figure comes from one grouped query per source doctype, for one campaign
(the form) or many (the Campaign Results report) alike."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, IfNull, Sum
from frappe.utils import getdate

from crm_suite.permissions.scope import visible_users
from crm_suite.policies.campaign import budget_summary, cost_per, empty_results, goal_progress

CAMPAIGN = "Sales Campaign"


class CampaignDatesInvalid(frappe.ValidationError):
	pass


class DuplicateGoal(frappe.ValidationError):
	pass


class CampaignOwnerRefused(frappe.PermissionError):
	pass


def check_campaign_owner(owner: str, user: str | None = None) -> None:
	"""Campaigns are run by their maker, or handed by a manager to their department subtree; admins any."""
	user = user or frappe.session.user
	users = visible_users(user)
	if owner == user or users is None or owner in users:
		return
	frappe.throw(
		_(
			"You may make only yourself or a salesperson of your department the campaign owner: {0} is not."
		).format(owner),
		CampaignOwnerRefused,
		title=_("Not Permitted"),
	)


def _grouped(table, *aggregates, where=None) -> dict[str, tuple]:
	def run(names):
		query = frappe.qb.from_(table).select(table.campaign, *aggregates).where(table.campaign.isin(names))
		if where is not None:
			query = query.where(where)
		return {row[0]: row[1:] for row in query.groupby(table.campaign).run()}

	return run


def results_for(names: list[str]) -> dict[str, dict]:
	"""{campaign: results} for `names`, with every result key (0 when nothing carries the campaign)."""
	out = {name: empty_results() for name in names}
	if not names:
		return out
	lead = frappe.qb.DocType("Sales Lead")
	customer = frappe.qb.DocType("Customer Account")
	opportunity = frappe.qb.DocType("Sales Opportunity")
	order = frappe.qb.DocType("Customer Order")
	expense = frappe.qb.DocType("Sales Expense")

	def fill(rows: dict[str, tuple], *keys: str):
		for name, values in rows.items():
			for key, value in zip(keys, values, strict=True):
				out[name][key] = float(value or 0) if "amount" in key else int(value or 0)

	fill(
		_grouped(lead, Count("*"), Sum(Case().when(lead.lifecycle_state == "Converted", 1).else_(0)))(names),
		"leads",
		"converted_leads",
	)
	fill(
		_grouped(customer, Count("*"), Sum(Case().when(customer.lifecycle_state == "Deal", 1).else_(0)))(
			names
		),
		"customers",
		"deal_customers",
	)
	fill(
		_grouped(
			opportunity,
			Count("*"),
			Sum(Case().when(opportunity.status == "Won", 1).else_(0)),
			Sum(Case().when(opportunity.status == "Won", IfNull(opportunity.expected_amount, 0)).else_(0)),
		)(names),
		"opportunities",
		"won_opportunities",
		"won_amount",
	)
	# confirmed orders: submitted and not cancelled (a cancelled order is docstatus 2)
	fill(
		_grouped(order, Count("*"), Sum(IfNull(order.grand_total, 0)), where=order.docstatus == 1)(names),
		"orders",
		"order_amount",
	)
	# approved expenses: the Sales Expense Approval workflow submits on approval (SALE-11)
	fill(_grouped(expense, Sum(expense.amount), where=expense.docstatus == 1)(names), "expense_amount")
	fill(target_customers(names), "target_customers")
	return out


def target_customers(names: list[str]) -> dict[str, tuple]:
	"""Distinct customers in each campaign's target groups (CUS-09)."""
	link = frappe.qb.DocType("Sales Campaign Group")
	member = frappe.qb.DocType("Marketing Customer Group Member")
	rows = (
		frappe.qb.from_(link)
		.join(member)
		.on((member.parent == link.customer_group) & (member.parenttype == "Marketing Customer Group"))
		.select(link.parent, Count(member.customer).distinct())
		.where((link.parenttype == CAMPAIGN) & link.parent.isin(names))
		.groupby(link.parent)
		.run()
	)
	return {row[0]: row[1:] for row in rows}


def campaign_tasks(campaign: str) -> list[dict]:
	"""The campaign's tasks: Frappe assignments (ToDo) on it, open ones first."""
	todo = frappe.qb.DocType("ToDo")
	rows = (
		frappe.qb.from_(todo)
		.select(todo.name, todo.allocated_to, todo.description, todo.status, todo.date, todo.priority)
		.where(
			(todo.reference_type == CAMPAIGN)
			& (todo.reference_name == campaign)
			& (todo.status != "Cancelled")
		)
		.orderby(todo.status, order=frappe.qb.desc)  # Open before Closed
		.orderby(todo.date)
		.run(as_dict=True)
	)
	for row in rows:
		row["allocated_to_name"] = frappe.utils.get_fullname(row.allocated_to)
		row["description"] = frappe.utils.strip_html(row.description or "")[:200]
	return rows


def campaign_summary(campaign: str) -> dict:
	"""What the campaign form's Results section shows (the caller checked read access)."""
	doc = frappe.get_doc(CAMPAIGN, campaign)
	results = results_for([campaign])[campaign]
	goals = [goal_progress(g.metric, g.target_value, results).__dict__ for g in doc.goals]
	for goal in goals:
		goal["label"] = _(goal["metric"])
	money = budget_summary(doc.budget, results["expense_amount"], results["order_amount"])
	money["cost_per_lead"] = cost_per(results["expense_amount"], results["leads"])
	money["cost_per_customer"] = cost_per(results["expense_amount"], results["customers"])
	tasks = campaign_tasks(campaign)
	return {
		"campaign": campaign,
		"currency": doc.currency,
		"results": results,
		"goals": goals,
		"budget": money,
		"tasks": tasks,
		"open_tasks": sum(1 for t in tasks if t.status == "Open"),
	}


def validate_campaign(doc) -> None:
	if doc.start_date and doc.end_date and getdate(doc.end_date) < getdate(doc.start_date):
		frappe.throw(
			_("The end date {0} is before the start date {1}.").format(doc.end_date, doc.start_date),
			CampaignDatesInvalid,
			title=_("Invalid Dates"),
		)
	seen = set()
	for goal in doc.goals:
		if goal.metric in seen:
			frappe.throw(
				_("The goal {0} appears twice: keep one row per metric.").format(_(goal.metric)),
				DuplicateGoal,
				title=_("Duplicate Goal"),
			)
		seen.add(goal.metric)
