"""Desk endpoints of the call centre (SPEC CALL-02..07), for Desk users with a CRM role only (never a
Website User, a caller-ID device or Guest); row scope applies."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from crm_suite.permissions.call_center import (
	call_scope_criterion,
	check_call_centre_user,
	customer_visible,
)
from crm_suite.permissions.rows import where_in_scope
from crm_suite.policies.numbers import number_info
from crm_suite.policies.phones import PhoneNumberInvalid
from crm_suite.services import dialing, sms
from crm_suite.services.inputs import parse_names
from crm_suite.services.phone_index import phone_settings
from crm_suite.services.screen_pop import screen_pop as screen_pop_for


def _call_for(call: str, ptype: str = "write"):
	check_call_centre_user()
	doc = frappe.get_doc("Phone Call Record", call)
	doc.check_permission(ptype)
	return doc


@frappe.whitelist(methods=["POST"])
def dial(number: str, customer: str | None = None, line: str | None = None) -> dict:
	"""Click-to-dial: queue a dial command for the user's line; the bridge dials it."""
	check_call_centre_user()
	if customer and not frappe.has_permission("Customer Account", "read", customer):
		frappe.throw(_("You may not call this customer."), exc=frappe.PermissionError)
	return dialing.queue_dial(number, frappe.session.user, customer=customer, line=line)


@frappe.whitelist(methods=["POST"])
def dial_customer(customer: str, fieldname: str = "mobile_no") -> dict:
	"""Dial a customer's stored number without the number passing through the browser (masking)."""
	check_call_centre_user()
	if fieldname not in ("mobile_no", "phone"):
		frappe.throw(_("Only the mobile or the phone number can be dialled."), exc=frappe.ValidationError)
	doc = frappe.get_doc("Customer Account", customer)
	doc.check_permission("read")
	number = doc.get(fieldname)
	if not number:
		frappe.throw(_("This customer has no number to dial."), exc=dialing.NumberNotDialable)
	return dialing.queue_dial(number, frappe.session.user, customer=customer)


@frappe.whitelist(methods=["POST"])
def call_back(call: str) -> dict:
	"""Return a call from the log: the stored full number is dialled without reaching the browser."""
	check_call_centre_user()
	doc = _call_for(call, "read")
	number = doc.get("phone_number") if doc.phone_key else None
	if not number:
		frappe.throw(_("This call has no number to call back."), exc=dialing.NumberNotDialable)
	# dial the number, but tie the new call only to a customer the user may see
	customer = (
		doc.customer
		if doc.customer and frappe.has_permission("Customer Account", "read", doc.customer)
		else None
	)
	return dialing.queue_dial(number, frappe.session.user, customer=customer)


@frappe.whitelist(methods=["POST"])
def mark_answered(call: str) -> dict:
	check_call_centre_user()
	doc = _call_for(call)
	if doc.status in ("Ringing", "Missed"):
		doc.status = "Answered"
		doc.call_type = "Inbound"
		doc.answered_on = now_datetime()
	doc.user = frappe.session.user
	doc.seen = 1
	doc.save()
	return {"call": doc.name, "status": doc.status}


@frappe.whitelist(methods=["POST"])
def mark_seen(calls: list[str] | str) -> int:
	"""Clear the missed-call flag of calls the user may see (one set-based update)."""
	check_call_centre_user()
	calls = frappe.parse_json(calls) if isinstance(calls, str) and calls.startswith("[") else calls
	calls = [calls] if isinstance(calls, str) else list(calls or [])
	table = frappe.qb.DocType("Phone Call Record")
	query = (
		frappe.qb.from_(table).select(table.name).where(table.name.isin(calls or [""]) & (table.seen == 0))
	)
	names = where_in_scope(query, call_scope_criterion(frappe.session.user, table)).run(pluck=True)
	if names:
		frappe.qb.update(table).set(table.seen, 1).set(table.seen_by, frappe.session.user).where(
			table.name.isin(names)
		).run()
	return len(names)


@frappe.whitelist(methods=["POST"])
def log_call_note(call: str, note: str) -> dict:
	"""Write what was said on the call record and, for a visible customer, on its timeline."""
	check_call_centre_user()
	note = (note or "").strip()
	if not note:
		frappe.throw(_("Write what the call was about."), exc=frappe.ValidationError, title=_("Empty Note"))
	doc = _call_for(call)
	doc.notes = "\n".join(filter(None, [doc.notes, note]))
	doc.seen = 1
	doc.save()
	if doc.customer and customer_visible(doc.customer, frappe.session.user):
		frappe.get_doc("Customer Account", doc.customer).add_comment(
			"Comment", _("Phone call {0}: {1}").format(doc.name, note)
		)
	return {"call": doc.name}


@frappe.whitelist(methods=["GET"])
def screen_pop(call: str) -> dict:
	"""The pop of a call as the current user may see it (for reopening a pop from the call log)."""
	check_call_centre_user()
	return screen_pop_for(_call_for(call, "read"), frappe.session.user)


@frappe.whitelist(methods=["GET"])
def lookup_number(number: str) -> dict:
	"""Region, carrier and type of a number (SPEC CALL-07)."""
	check_call_centre_user()
	region, area = phone_settings()
	try:
		info = number_info(number, region, area)
	except PhoneNumberInvalid:
		frappe.throw(_("{0} is not a phone number.").format(number), exc=frappe.ValidationError)
	area_region = None
	if info.area_code:
		area_region = frappe.db.get_value("Customer Region", {"area_code": info.area_code}, "name")
	return {**info.__dict__, "customer_region": area_region}


@frappe.whitelist(methods=["POST"])
def send_sms(customers: list[str] | str, template: str | None = None, message: str | None = None) -> dict:
	check_call_centre_user()
	if not frappe.has_permission("SMS Record", "read"):
		frappe.throw(_("You may not send SMS."), exc=frappe.PermissionError)
	return sms.send_to_customers(parse_names(customers, "customers"), template=template, message=message)


@frappe.whitelist(methods=["POST"])
def sms_opt_out(phone_number: str, customer: str | None = None, reason: str | None = None) -> str:
	check_call_centre_user()
	if customer and not customer_visible(customer, frappe.session.user):
		frappe.throw(_("You may not see this customer."), exc=frappe.PermissionError)
	return sms.opt_out(phone_number, customer, reason)
