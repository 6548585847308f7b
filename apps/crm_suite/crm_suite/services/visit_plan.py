"""Visit plans (SPEC FUP-03): who a plan may be assigned to, completion by a follow-up, the daily overdue run.

- A salesperson plans for themself; a manager for anyone in their department subtree; admins for anyone.
- Logging a follow-up against a plan (Follow Up Record.visit_plan) completes it in the same transaction,
  once: the plan row is locked, and only an open plan (Planned / Overdue) moves to Done.
- A new follow-up without a plan completes an open plan on its own when one matches exactly: same customer,
  same salesperson, planned for the follow-up's day (the earliest such plan). So a visit logged from the
  customer's form still ticks off the day's plan.
- The daily run flags open plans whose day has passed as Overdue with one UPDATE on the
  (status, overdue_notified, planned_date) index, then sends each salesperson one notice with the count of
  plans not announced yet, and marks them announced: a plan is announced once, however often the run runs.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import get_datetime, getdate, now_datetime, today

from crm_suite.permissions.scope import visible_users
from crm_suite.services.notify import notify_users

OPEN_STATES = ("Planned", "Overdue")
OVERDUE_NOTICE = "{0} of your visit plans are overdue."


class PlanAssignmentRefused(frappe.PermissionError):
	pass


class PlanNotOpen(frappe.ValidationError):
	pass


class PlanOfAnotherCustomer(frappe.ValidationError):
	pass


def check_assignment(salesperson: str, user: str | None = None):
	"""May `user` plan visits for `salesperson`? Self always; managers their subtree; admins anyone."""
	user = user or frappe.session.user
	users = visible_users(user)
	if salesperson == user or users is None or salesperson in users:
		return
	frappe.throw(
		_(
			"You may assign visit plans only to yourself or to salespeople in your department: {0} is not."
		).format(salesperson),
		PlanAssignmentRefused,
		title=_("Not Permitted"),
	)


def plan_for_follow_up(follow_up) -> str | None:
	"""The plan a new follow-up completes: the one it names (checked), or the day's matching open plan."""
	if follow_up.visit_plan:
		plan = frappe.db.get_value(
			"Visit Plan", follow_up.visit_plan, ["name", "customer", "status", "completed_by"], as_dict=True
		)
		if not plan:
			return None  # the Link check reports it
		frappe.has_permission("Visit Plan", "read", plan.name, throw=True)
		if follow_up.customer and plan.customer != follow_up.customer:
			frappe.throw(
				_("Visit plan {0} is for another customer.").format(plan.name),
				PlanOfAnotherCustomer,
				title=_("Invalid Input"),
			)
		if plan.status not in OPEN_STATES and plan.completed_by != follow_up.name:
			frappe.throw(
				_("Visit plan {0} is {1}: only a planned or overdue plan can be completed.").format(
					plan.name, _(plan.status)
				),
				PlanNotOpen,
				title=_("Invalid Input"),
			)
		follow_up.customer = follow_up.customer or plan.customer
		return plan.name
	if not (follow_up.is_new() and follow_up.customer and follow_up.followed_on):
		return None
	p = frappe.qb.DocType("Visit Plan")
	match = (
		frappe.qb.from_(p)
		.select(p.name)
		.where(
			(p.salesperson == (follow_up.salesperson or frappe.session.user))
			& (p.planned_date == getdate(follow_up.followed_on))
			& (p.customer == follow_up.customer)
			& p.status.isin(OPEN_STATES)
		)
		.orderby(p.planned_start)
		.limit(1)
		.run()
	)
	return match[0][0] if match else None


def complete_plan(plan: str, follow_up: str, completed_on) -> bool:
	"""Mark `plan` Done by `follow_up`, in the caller's transaction; False when it was not open any more."""
	p = frappe.qb.DocType("Visit Plan")
	rows = (
		frappe.qb.from_(p).select(p.status).where(p.name == plan).for_update().run()
	)  # a second follow-up of the same plan waits here, then finds it Done
	if not rows or rows[0][0] not in OPEN_STATES:
		return False
	(
		frappe.qb.update(p)
		.set(p.status, "Done")
		.set(p.completed_by, follow_up)
		.set(p.completed_on, get_datetime(completed_on) or now_datetime())
		.set(p.modified, now_datetime())
		.where(p.name == plan)
		.run()
	)
	return True


def overdue_update(day):
	"""The one UPDATE of the daily run, on the (status, overdue_notified, planned_date) index."""
	p = frappe.qb.DocType("Visit Plan")
	return (
		frappe.qb.update(p)
		.set(p.status, "Overdue")
		.where((p.status == "Planned") & (p.overdue_notified == 0) & (p.planned_date < day))
	)


def flag_overdue_plans(on_date=None) -> dict[str, int]:
	"""The daily run: open plans of past days become Overdue; each salesperson gets one notice counting their
	plans not announced before. Returns {salesperson: count announced}."""
	overdue_update(getdate(on_date or today())).run()
	p = frappe.qb.DocType("Visit Plan")
	unannounced = (p.status == "Overdue") & (p.overdue_notified == 0)
	counts = dict(
		frappe.qb.from_(p)
		.select(p.salesperson, Count("*"))
		.where(unannounced & p.salesperson.isnotnull())
		.groupby(p.salesperson)
		.for_update()
		.run()
	)
	frappe.qb.update(p).set(p.overdue_notified, 1).where(unannounced).run()
	notify_users(counts, OVERDUE_NOTICE, "Visit Plan", link="/app/visit-plan?status=Overdue")
	return counts


def calendar_events(start: str, end: str, filters=None) -> list[dict]:
	"""The plans between two days for the Calendar view, within the user's scope (get_list applies the
	list condition and sharing) on the (salesperson, planned_date) / planned_date indexes."""
	filters = list(filters or [])
	filters += [["planned_date", ">=", getdate(start)], ["planned_date", "<=", getdate(end)]]
	return frappe.get_list(
		"Visit Plan",
		filters=filters,
		fields=[
			"name",
			"subject",
			"customer_name",
			"salesperson",
			"status",
			"is_key",
			"planned_start",
			"planned_end",
		],
		order_by="planned_start asc",
		limit_page_length=2000,
	)
