"""Service requests, work orders and service contracts (服务请求 / 派工单 / 服务合同, SPEC SVC-03).

- A service request (repair, return, installation) belongs to its customer's salesperson, like a complaint;
  requests, work orders and contracts go along when the customer goes to another salesperson
  (services/customer_followers.py).
- A manager dispatches it to an engineer (a user with the role CRM Service Engineer) as a Service Work Order:
  `dispatch` makes the order and applies the workflow "Service Work Order Dispatch" (Draft → Dispatched →
  In Progress → Completed; Cancelled by a manager). The order carries what the engineer needs of the customer:
  contact person, address and the mobile number's level-0 copy — masked per ORG-06, never the full number.
  From dispatch on, the order's `dispatched_to` is its engineer: the engineer's row scope (ORG-03).
- Completion needs a result and the customer's signature or an attachment; it creates the salesperson's
  follow-up Visit Plan (FUP-03) once, and completes the request. A satisfaction survey is recorded on the order.
- Service contracts: Expiring from their reminder days before the end, Expired after it; the daily run updates
  the states set-based and tells each salesperson once about their contracts newly expiring.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Function
from frappe.utils import add_days, flt, get_datetime, getdate, now_datetime, today

from crm_suite.permissions.roles import require_roles
from crm_suite.permissions.service import ENGINEER_ROLE, dispatched_to
from crm_suite.policies.service import CONTRACT_ACTIVE, CONTRACT_EXPIRED, CONTRACT_EXPIRING, contract_status
from crm_suite.services.notify import notify_user, notify_users

REQUEST, WORK_ORDER, CONTRACT = "Service Request", "Service Work Order", "Service Contract"
DISPATCHER_ROLES = ("CRM Manager", "CRM Admin", "System Manager")
FOLLOW_UP_AFTER_DAYS = 3  # the salesperson's satisfaction visit, this many days after completion
EXPIRY_NOTICE = "{0} of your service contracts expire soon."
DISPATCH_NOTICE = "Work order {0} has been dispatched to you: {1}"


class InvalidServiceInput(frappe.ValidationError):
	pass


class CompletionIncomplete(frappe.ValidationError):
	pass


# ---------------------------------------------------------------------------------------------------------
# Shared


def set_customer_owner(doc):
	"""The customer's salesperson and department, copied when the customer is set; the user may read it."""
	if doc.customer and (doc.is_new() or doc.has_value_changed("customer")):
		frappe.has_permission("Customer Account", "read", doc.customer, throw=True)
		owner = frappe.db.get_value("Customer Account", doc.customer, ["salesperson", "sales_department"])
		doc.salesperson, doc.sales_department = owner or (None, None)
		doc.salesperson = doc.salesperson or frappe.session.user


# ---------------------------------------------------------------------------------------------------------
# Service requests


def validate_request(doc):
	set_customer_owner(doc)
	if doc.is_new():
		doc.status = "Open"


def set_request_status(request: str, status: str):
	r = frappe.qb.DocType(REQUEST)
	frappe.qb.update(r).set(r.status, status).set(r.modified, now_datetime()).where(r.name == request).run()


# ---------------------------------------------------------------------------------------------------------
# Work orders


def validate_work_order(doc):
	take_request(doc)
	check_dispatch(doc)
	check_schedule(doc)
	follow_state(doc)
	doc.dispatched_to = dispatched_to(doc.engineer, doc.workflow_state)


def take_request(doc):
	if not (doc.is_new() or doc.has_value_changed("service_request")):
		return
	frappe.has_permission(REQUEST, "read", doc.service_request, throw=True)
	request = frappe.db.get_value(
		REQUEST,
		doc.service_request,
		["customer", "request_type", "description", "salesperson", "sales_department", "status"],
		as_dict=True,
	)
	if request.status in ("Completed", "Cancelled"):
		frappe.throw(
			_("Service request {0} is {1}.").format(doc.service_request, _(request.status)),
			InvalidServiceInput,
			title=_("Invalid Input"),
		)
	customer = frappe.db.get_value(
		"Customer Account",
		request.customer,
		["customer_name", "contact_person", "mobile_no_masked", "address"],
		as_dict=True,
	)
	doc.update(
		{
			"customer": request.customer,
			"request_type": request.request_type,
			"problem": request.description,
			"salesperson": request.salesperson,
			"sales_department": request.sales_department,
			"customer_name": customer.customer_name,
			"contact_person": customer.contact_person,
			# the level-0 copy: masked while ORG-06 masking is on, for every reader of the order
			"contact_mobile": customer.mobile_no_masked,
			"address": customer.address,
		}
	)


def check_dispatch(doc):
	"""Who goes, and when, is a dispatcher's choice; the engineer holds the engineer role."""
	before = doc.get_doc_before_save()
	moved = before and get_datetime(before.scheduled_start) != get_datetime(doc.scheduled_start)
	if not (doc.is_new() or doc.has_value_changed("engineer") or moved):
		return
	require_roles(*DISPATCHER_ROLES, message=_("Only a manager dispatches work orders."))
	if ENGINEER_ROLE not in frappe.get_roles(doc.engineer) or not frappe.db.get_value(
		"User", doc.engineer, "enabled"
	):
		frappe.throw(
			_("{0} is not an active service engineer.").format(doc.engineer),
			InvalidServiceInput,
			title=_("Invalid Input"),
		)


def check_schedule(doc):
	if doc.scheduled_end and get_datetime(doc.scheduled_end) < get_datetime(doc.scheduled_start):
		frappe.throw(
			_("The scheduled end is before the scheduled start."),
			InvalidServiceInput,
			title=_("Invalid Input"),
		)


def follow_state(doc):
	if flt(doc.satisfaction) > 0 and doc.has_value_changed("satisfaction"):
		doc.surveyed_on = now_datetime()
	if not doc.has_value_changed("workflow_state") or doc.is_new():
		return
	if doc.workflow_state == "In Progress":
		doc.started_on = doc.started_on or now_datetime()
	elif doc.workflow_state == "Completed":
		if not (doc.result or "").strip():
			frappe.throw(
				_("Record the result before completing."), CompletionIncomplete, title=_("Invalid Input")
			)
		if not (doc.customer_signature or doc.attachment):
			frappe.throw(
				_("The customer's signature or a signed attachment is needed to complete."),
				CompletionIncomplete,
				title=_("Invalid Input"),
			)
		doc.completed_on = now_datetime()


def work_order_updated(doc):
	"""on_update: a dispatch tells the engineer; a completion plans the salesperson's visit and completes the
	request; a cancellation reopens the request when no other order is active."""
	if not doc.has_value_changed("workflow_state"):
		return
	if doc.workflow_state == "Dispatched":
		set_request_status(doc.service_request, "Dispatched")
		notify_user(
			doc.engineer,
			DISPATCH_NOTICE,
			doc.name,
			doc.customer_name or doc.customer,
			doctype=WORK_ORDER,
			name=doc.name,
		)
	elif doc.workflow_state == "Completed":
		set_request_status(doc.service_request, "Completed")
		if not doc.visit_plan:
			plan = make_follow_up_plan(doc)
			if plan:
				doc.db_set("visit_plan", plan, update_modified=False)
	elif doc.workflow_state == "Cancelled":
		w = frappe.qb.DocType(WORK_ORDER)
		active = (
			frappe.qb.from_(w)
			.select(w.name)
			.where(
				(w.service_request == doc.service_request)
				& (w.name != doc.name)
				& w.workflow_state.isin(("Dispatched", "In Progress"))
			)
			.limit(1)
			.run()
		)
		if not active:
			set_request_status(doc.service_request, "Open")


def make_follow_up_plan(doc) -> str | None:
	"""The satisfaction visit (FUP-03) for the request's salesperson, FOLLOW_UP_AFTER_DAYS after completion.

	The system writes it for the salesperson: the engineer completing the order may neither plan for others
	nor read the customer, so the plan's own checks (who may assign, customer access) do not apply; its
	schedule is computed by the plan itself."""
	if not doc.salesperson or not doc.customer:
		return None
	plan = frappe.get_doc(
		{
			"doctype": "Visit Plan",
			"customer": doc.customer,
			"customer_name": frappe.db.get_value("Customer Account", doc.customer, "customer_name"),
			"salesperson": doc.salesperson,
			"sales_department": frappe.db.get_value("Sales Staff", doc.salesperson, "sales_department"),
			"subject": _("Service follow-up visit: {0}").format(doc.name),
			"planned_date": add_days(getdate(doc.completed_on or today()), FOLLOW_UP_AFTER_DAYS),
			"start_time": "10:00:00",
			"duration": 60,
			"method": "Visit" if frappe.db.exists("Follow Up Method", "Visit") else None,
			"status": "Planned",
			"purpose": _("Satisfaction visit after work order {0}: {1}").format(doc.name, doc.result or ""),
		}
	)
	plan.set_schedule()
	plan.db_insert()
	return plan.name


def dispatch(
	service_request: str, engineer: str, scheduled_start: str, scheduled_end: str | None = None
) -> str:
	"""A manager's one action: the work order for `service_request`, dispatched to `engineer`."""
	from frappe.model.workflow import apply_workflow

	require_roles(*DISPATCHER_ROLES, message=_("Only a manager dispatches work orders."))
	if not frappe.db.exists(REQUEST, service_request):
		frappe.throw(_("Service request {0} not found.").format(service_request), frappe.DoesNotExistError)
	try:
		start = get_datetime(scheduled_start)
		end = get_datetime(scheduled_end) if scheduled_end else None
	except Exception:
		start = None
	if not start:
		frappe.throw(
			_("Give the scheduled start as a date and time."), InvalidServiceInput, title=_("Invalid Input")
		)
	order = frappe.get_doc(
		{
			"doctype": WORK_ORDER,
			"service_request": service_request,
			"engineer": engineer,
			"scheduled_start": start,
			"scheduled_end": end,
		}
	).insert()
	apply_workflow(order, "Dispatch")
	return order.name


# ---------------------------------------------------------------------------------------------------------
# Service contracts


def validate_contract(doc):
	set_customer_owner(doc)
	if getdate(doc.end_date) < getdate(doc.start_date):
		frappe.throw(
			_("The end date is before the start date."), InvalidServiceInput, title=_("Invalid Input")
		)
	if (doc.reminder_days or 0) < 0:
		frappe.throw(_("Reminder days cannot be negative."), InvalidServiceInput, title=_("Invalid Input"))
	if doc.is_new() or doc.has_value_changed("end_date") or doc.has_value_changed("reminder_days"):
		doc.status = contract_status(getdate(doc.end_date), doc.reminder_days, getdate(today()))
		if doc.is_new() or doc.status == CONTRACT_ACTIVE:
			doc.expiry_notified = 0  # new or renewed: its coming expiry is announced (again) by the daily run


def remind_expiring_contracts(on_date=None) -> dict[str, int]:
	"""The daily run, set-based and idempotent: ended contracts become Expired; contracts within their
	reminder days become Expiring; each salesperson gets one notice counting theirs not announced before,
	in the transaction that marks them announced. Returns {salesperson: count}."""
	day = getdate(on_date or today())
	sc = frappe.qb.DocType(CONTRACT)
	frappe.qb.update(sc).set(sc.status, CONTRACT_EXPIRED).where(
		(sc.status != CONTRACT_EXPIRED) & (sc.end_date < day)
	).run()
	frappe.qb.update(sc).set(sc.status, CONTRACT_EXPIRING).where(
		(sc.status == CONTRACT_ACTIVE)
		& (sc.end_date >= day)
		& (Function("DATEDIFF", sc.end_date, day) <= sc.reminder_days)
	).run()
	unannounced = (sc.status == CONTRACT_EXPIRING) & (sc.expiry_notified == 0)
	counts = dict(
		frappe.qb.from_(sc)
		.select(sc.salesperson, Count("*"))
		.where(unannounced & sc.salesperson.isnotnull())
		.groupby(sc.salesperson)
		.for_update()
		.run()
	)
	frappe.qb.update(sc).set(sc.expiry_notified, 1).where(unannounced).run()
	notify_users(counts, EXPIRY_NOTICE, CONTRACT, link="/app/service-contract?status=Expiring")
	return counts
