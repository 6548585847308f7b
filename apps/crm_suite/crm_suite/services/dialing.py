"""Click-to-dial through the caller-ID bridge (SPEC CALL-04): the site queues a dial command for the
user's line, the bridge claims it (poll), dials `ATD<prefix><number>;` and reports back; the call is
logged as outbound from the start."""

import frappe
from frappe import _
from frappe.utils import add_to_date, now_datetime

from crm_suite.permissions.call_center import lines_of
from crm_suite.policies.dialing import NotDialable, dial_string
from crm_suite.services import activity_rollup
from crm_suite.services.call_center import (
	call_settings,
	call_values,
	check_device_for_line,
	get_line,
	touch_line,
)
from crm_suite.services.phone_index import phone_settings


class NoPhoneLine(frappe.ValidationError):
	pass


class NumberNotDialable(frappe.ValidationError):
	pass


def queue_dial(number: str, user: str, customer: str | None = None, line: str | None = None) -> dict:
	lines = lines_of(user)
	if line and line not in lines:
		# a line the user is not bound to (or a disabled one) would let anyone make any modem dial
		frappe.throw(
			_("You are not bound to phone line {0}; you may dial only on your own lines.").format(line),
			exc=frappe.PermissionError,
			title=_("Not Your Phone Line"),
		)
	line = line or (lines[0] if lines else None)
	if not line:
		frappe.throw(
			_("You are not bound to any phone line; ask an administrator to add you to one."),
			exc=NoPhoneLine,
			title=_("No Phone Line"),
		)
	settings = frappe.db.get_value(
		"Phone Line", line, ["outside_line_prefix", "local_area_code"], as_dict=True
	)
	region, default_area = phone_settings()
	try:
		digits = dial_string(
			number,
			region=region,
			outside_line_prefix=settings.outside_line_prefix or "",
			local_area_code=settings.local_area_code or default_area or "",
		)
	except NotDialable:
		frappe.throw(
			_("{0} cannot be dialled.").format(number), exc=NumberNotDialable, title=_("Invalid Number")
		)
	call = frappe.get_doc(
		{
			"doctype": "Phone Call Record",
			"call_type": "Outbound",
			"status": "Dialling",
			"phone_line": line,
			"user": user,
			"start_time": now_datetime(),
			"seen": 1,
			**call_values(number, settings.local_area_code),
		}
	)
	if customer and not call.customer:
		call.customer = customer
	call.insert(ignore_permissions=True)
	command = frappe.get_doc(
		{
			"doctype": "Dial Command",
			"phone_line": line,
			"status": "Queued",
			"requested_by": user,
			"phone_number": number,
			"dial_string": digits,
			"customer": call.customer,
			"call_record": call.name,
		}
	).insert(ignore_permissions=True)
	call.db_set("dial_command", command.name, update_modified=False)
	return {"command": command.name, "call": call.name, "line": line, "dial_string": digits}


def claim_dial_commands(line_id: str, device_user: str, limit: int = 5) -> list[dict]:
	"""Hand the bridge the queued commands of its line, once each (row locks against a second poller);
	commands older than the expiry are expired instead of dialled late."""
	line = get_line(line_id)
	check_device_for_line(line, device_user)
	touch_line(line.name)
	table = frappe.qb.DocType("Dial Command")
	now = now_datetime()
	cutoff = add_to_date(now, seconds=-call_settings().dial_command_expiry_seconds)
	stale = (table.phone_line == line.name) & (table.status == "Queued") & (table.creation < cutoff)
	expired = frappe.qb.from_(table).select(table.call_record).where(stale).run(pluck=True)
	if expired:
		frappe.qb.update(table).set(table.status, "Expired").set(table.completed_on, now).where(stale).run()
		_set_call_status([c for c in expired if c], "Failed")
	rows = (
		frappe.qb.from_(table)
		.select(table.name, table.dial_string, table.phone_number)
		.where((table.phone_line == line.name) & (table.status == "Queued"))
		.orderby(table.creation)
		.limit(limit)
		.for_update()
		.run(as_dict=True)
	)
	if rows:
		frappe.qb.update(table).set(table.status, "Sent").set(table.sent_on, now).where(
			table.name.isin([r.name for r in rows])
		).run()
	return [{"command": r.name, "dial_string": r.dial_string, "number": r.phone_number} for r in rows]


def report_dial_result(command: str, device_user: str, ok: bool, error: str | None = None) -> str:
	doc = frappe.get_doc("Dial Command", command)
	line = frappe.db.get_value("Phone Line", doc.phone_line, ["line_id", "device_user"], as_dict=True)
	check_device_for_line(line, device_user)
	if doc.status in ("Dialled", "Failed"):
		return doc.status  # a retried report
	doc.status = "Dialled" if ok else "Failed"
	doc.error = None if ok else (error or "")[:500]
	doc.completed_on = now_datetime()
	doc.save(ignore_permissions=True)
	if doc.call_record:
		_set_call_status([doc.call_record], "Answered" if ok else "Failed")
	return doc.status


def _set_call_status(calls: list[str], status: str):
	if not calls:
		return
	call = frappe.qb.DocType("Phone Call Record")
	query = frappe.qb.update(call).set(call.status, status).where(call.name.isin(calls))
	if status == "Answered":
		query = query.set(call.answered_on, now_datetime())
	# the status is a key of the call rollup (RPT-07): the calls move rows in the same transaction
	activity_rollup.remove(activity_rollup.CALLS, calls)
	query.run()
	activity_rollup.add(activity_rollup.CALLS, calls)
