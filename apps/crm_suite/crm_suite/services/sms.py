"""SMS to customers from templates (SPEC CALL-06): scoped to the customers the sender may see, opt-outs
skipped, one SMS Record per message (bulk insert), delivered in the background through a pluggable
gateway (Frappe's own SMS Settings, a custom function, or log only)."""

import frappe
from frappe import _
from frappe.utils import get_fullname, now_datetime

from crm_suite.policies.phones import PhoneNumberInvalid, mask_phone, normalise_phone
from crm_suite.policies.sms import SmsTooLong, render_sms
from crm_suite.services.call_center import call_settings
from crm_suite.services.ownership import new_row_names
from crm_suite.services.phone_index import phone_settings
from crm_suite.services.screen_pop import phone_masked_for

MAX_RECIPIENTS = 5000


class SmsError(frappe.ValidationError):
	pass


def send_to_customers(customers: list[str], template: str | None = None, message: str | None = None) -> dict:
	if not customers:
		frappe.throw(_("Choose at least one customer."), exc=SmsError, title=_("No Recipients"))
	if len(customers) > MAX_RECIPIENTS:
		frappe.throw(
			_("At most {0} customers per sending.").format(MAX_RECIPIENTS), exc=SmsError, title=_("Too Many")
		)
	if template:
		tpl = frappe.db.get_value("SMS Template", template, ["message", "enabled"], as_dict=True)
		if not tpl or not tpl.enabled:
			frappe.throw(_("SMS template {0} is not enabled.").format(template), exc=SmsError)
		message = tpl.message
	if not (message or "").strip():
		frappe.throw(_("The message is empty."), exc=SmsError, title=_("No Message"))
	# Scope from the permission-aware list: customers outside the sender's row scope are simply not found.
	# The numbers themselves are read as the system: a salesperson may text a customer whose number is
	# masked for them (SPEC ORG-06), and never gets the number back.
	visible = frappe.get_list(
		"Customer Account", filters={"name": ["in", list(set(customers))]}, pluck="name", limit_page_length=0
	)
	rows = frappe.get_all(
		"Customer Account",
		filters={"name": ["in", visible or [""]]},
		fields=["name", "customer_name", "contact_person", "mobile_no", "salesperson"],
	)
	region, area = phone_settings()
	keys = {}
	for row in rows:
		try:
			phone = normalise_phone(row.mobile_no, region, area) if row.mobile_no else None
		except PhoneNumberInvalid:
			phone = None
		keys[row.name] = phone.key if phone and phone.number_type == "Mobile" else None
	opted_out = set()
	if any(keys.values()):
		opted_out = set(
			frappe.get_all(
				"SMS Opt Out",
				filters={"phone_key": ["in", [k for k in keys.values() if k]]},
				pluck="phone_key",
			)
		)
	settings = call_settings()
	masked = phone_masked_for(frappe.session.user)
	names = {u: get_fullname(u) for u in {r.salesperson for r in rows if r.salesperson}}
	records, skipped = [], len(set(customers)) - len(rows)
	for row in rows:
		key = keys[row.name]
		if not key:
			skipped += 1
			continue
		values = {**row, "salesperson_name": names.get(row.salesperson, "")}
		try:
			text = render_sms(message, values, settings.sms_signature)
		except SmsTooLong as e:
			frappe.throw(str(e), exc=SmsError, title=_("Message Too Long"))
		status = "Opted Out" if key in opted_out else "Queued"
		shown = mask_phone(row.mobile_no) if masked else row.mobile_no
		records.append((row.name, shown, key, status, template, text))
	names_out = _insert_records(records, settings.sms_gateway)
	queued = [n for n, r in zip(names_out, records, strict=True) if r[3] == "Queued"]
	if queued:
		frappe.enqueue(
			"crm_suite.services.sms.deliver",
			queue="short",
			records=queued,
			commit=not frappe.flags.in_test,
			enqueue_after_commit=True,
			now=frappe.flags.in_test,
		)
	return {
		"queued": len(queued),
		"opted_out": sum(1 for r in records if r[3] == "Opted Out"),
		"skipped": skipped,
		"records": names_out,
	}


def _insert_records(records: list[tuple], gateway: str) -> list[str]:
	if not records:
		return []
	table = frappe.qb.DocType("SMS Record")
	now, user = now_datetime(), frappe.session.user
	names = new_row_names(len(records))
	query = frappe.qb.into(table).columns(
		"name", "customer", "phone_number", "phone_key", "status", "template", "message", "gateway",
		"sent_by", "owner", "modified_by", "creation", "modified",
	)  # fmt: skip
	for name, (customer, number, key, status, template, text) in zip(names, records, strict=True):
		query = query.insert(
			name, customer, number, key, status, template, text, gateway, user, user, user, now, now
		)
	query.run()
	return names


def gateway_function(settings):
	if settings.sms_gateway == "Frappe SMS Settings":
		from frappe.core.doctype.sms_settings.sms_settings import send_sms

		return lambda numbers, message: send_sms(numbers, message, success_msg=False)
	if settings.sms_gateway == "Custom" and settings.sms_gateway_method:
		return frappe.get_attr(settings.sms_gateway_method)
	return lambda numbers, message: None


def dialable(key: str) -> str:
	"""Gateways in China want 11-digit mobiles; others get E.164."""
	return key[3:] if key.startswith("+86") else key


def deliver(records: list[str], commit: bool = True):
	"""Send queued SMS records: one gateway call per distinct message text, each group's status written
	and committed right after its gateway call, so a crash part-way never sends a group twice on a rerun
	(at most once). Numbers opted out since queueing are not sent (SPEC CALL-06). `commit=False` keeps it
	inside the caller's transaction (inline delivery in Frappe-layer tests)."""
	settings = call_settings()
	send = gateway_function(settings)
	table = frappe.qb.DocType("SMS Record")
	rows = (
		frappe.qb.from_(table)
		.select(table.name, table.phone_key, table.message)
		.where(table.name.isin(records or [""]) & (table.status == "Queued"))
		.run(as_dict=True)
	)
	opted_out = set(
		frappe.get_all(
			"SMS Opt Out",
			filters={"phone_key": ["in", list({r.phone_key for r in rows if r.phone_key}) or [""]]},
			pluck="phone_key",
		)
	)
	if late := [r.name for r in rows if r.phone_key in opted_out]:
		frappe.qb.update(table).set(table.status, "Opted Out").where(table.name.isin(late)).run()
		if commit:
			frappe.db.commit()
	groups: dict[str, list] = {}
	for row in rows:
		if row.phone_key not in opted_out:
			groups.setdefault(row.message, []).append(row)
	for message, group in groups.items():
		names = [r.name for r in group]
		try:
			send([dialable(r.phone_key) for r in group], message)
			status, error = "Sent", None
		except Exception as e:
			frappe.log_error(title="SMS gateway failed")
			status, error = "Failed", str(e)[:500]
		frappe.qb.update(table).set(table.status, status).set(table.error, error).set(
			table.sent_on, now_datetime()
		).where(table.name.isin(names)).run()
		if commit:
			# recorded before the next gateway call: a crash from here on cannot send this group again
			frappe.db.commit()


def opt_out(phone_number: str, customer: str | None = None, reason: str | None = None) -> str:
	region, area = phone_settings()
	try:
		key = normalise_phone(phone_number, region, area).key
	except PhoneNumberInvalid:
		frappe.throw(_("{0} is not a phone number.").format(phone_number), exc=SmsError)
	existing = frappe.db.get_value("SMS Opt Out", {"phone_key": key})
	if existing:
		return existing
	return (
		frappe.get_doc(
			{
				"doctype": "SMS Opt Out",
				"phone_number": phone_number,
				# what a user without full-number access submits: the whole number, in the copy (ORG-06)
				"phone_number_masked": phone_number,
				"customer": customer,
				"reason": reason,
			}
		)
		.insert()
		.name
	)
