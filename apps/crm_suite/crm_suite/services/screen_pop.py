"""The screen pop (SPEC CALL-02): what each user bound to a line sees of a call — the customer only within
their row scope (ORG-03), numbers masked unless they may read them in full (ORG-06), the customer's latest
follow-ups and open opportunities read with that user's permissions — and its realtime delivery to those users
only."""

import frappe
from frappe import _
from frappe.model.db_query import DatabaseQuery
from frappe.utils import get_fullname

from crm_suite.permissions.call_center import customer_visible
from crm_suite.policies.phones import mask_phone
from crm_suite.services.masking import can_see_full_numbers, masked_field, masking_enabled

CALL_EVENT = "crm_suite_call"
# Doctypes of other modules shown in the screen pop once they exist (SPEC FUP-01, SALE-01).
FOLLOW_UP_DOCTYPES = ("Follow Up Record", "Customer Follow Up", "Follow Up")
OPPORTUNITY_DOCTYPES = ("Sales Opportunity", "Business Opportunity", "Opportunity Record")
CLOSED_STATES = ("Won", "Lost", "Invalid", "Closed", "Cancelled")


def publish_call(doc, users: list[str]):
	for user in users:
		frappe.publish_realtime(CALL_EVENT, screen_pop(doc, user), user=user, after_commit=True)


def phone_masked_for(user: str) -> bool:
	"""SPEC ORG-06 as the customer form applies it: masked unless the user may read the full numbers."""
	return masking_enabled() and not can_see_full_numbers("Customer Account", user)


def screen_pop(doc, user: str) -> dict:
	"""What `user` may see of this call: the customer only within their row scope, numbers masked
	for masked roles, and a customer outside the scope reduced to "this number is known"."""
	masked = phone_masked_for(user)
	number = doc.phone_number or ""
	pop = {
		"call": doc.name,
		"call_type": doc.call_type,
		"line": doc.phone_line,
		"start_time": str(doc.start_time),
		"number_type": doc.number_type,
		"number_region": doc.number_region,
		"number_carrier": doc.number_carrier,
		"caller_name": doc.caller_name,
		"match_type": doc.match_type,
		"state": "new",
	}
	known = bool(doc.reference_name)
	if known and doc.customer and customer_visible(doc.customer, user):
		pop["state"] = "known"
		pop["number"] = mask_phone(number) if masked else number
		pop["customer"] = customer_card(doc.customer, user)
	elif known and not doc.customer:
		# a contact or lead of a later module: say what it is, the module's own permissions decide the rest
		pop["state"] = "known"
		pop["number"] = mask_phone(number) if masked else number
		pop["reference"] = {"doctype": doc.reference_doctype, "name": doc.reference_name}
	elif known:
		pop["state"] = "hidden"
		pop["number"] = mask_phone(number)
	else:
		pop["number"] = number
		fieldname = "mobile_no" if doc.number_type == "Mobile" else "phone"
		# a user without full-number access enters numbers through the level-0 copy (SPEC ORG-06): a full
		# field prefilled for them would be dropped on save
		if not can_see_full_numbers("Customer Account", user):
			fieldname = masked_field(fieldname)
		pop["prefill"] = {fieldname: number}
	return pop


def customer_card(customer: str, user: str) -> dict:
	card = frappe.db.get_value(
		"Customer Account",
		customer,
		["name", "customer_name", "salesperson", "customer_category", "lifecycle_state", "last_contact_on"],
		as_dict=True,
	)
	card["salesperson_name"] = get_fullname(card.salesperson) if card.salesperson else _("Public Pool")
	if card.customer_category:
		card["category_color"] = frappe.db.get_value("Customer Category", card.customer_category, "color")
	card["last_contact_on"] = str(card.last_contact_on or "")
	for key, candidates in (("follow_ups", FOLLOW_UP_DOCTYPES), ("opportunities", OPPORTUNITY_DOCTYPES)):
		section = related_records(candidates, customer, user, open_only=key == "opportunities")
		if section is not None:
			card[key] = section
	return card


def related_records(candidates: tuple[str, ...], customer: str, user: str, open_only: bool = False):
	"""Latest rows of the first installed doctype among `candidates` linking to the customer, read with
	`user`'s permissions; None when no such doctype exists (the pop omits the section)."""
	for doctype in candidates:
		if not frappe.db.exists("DocType", doctype):
			continue
		if not frappe.has_permission(doctype, "read", user=user):
			# a bound user without access to the section sees the pop without it, never an error
			continue
		meta = frappe.get_meta(doctype)
		link = next(
			(f.fieldname for f in meta.fields if f.fieldtype == "Link" and f.options == "Customer Account"),
			None,
		)
		if not link:
			continue
		title = meta.title_field or "name"
		filters = {link: customer}
		status = next((f for f in ("status", "stage") if meta.has_field(f)), None)
		if open_only and status:
			filters[status] = ["not in", CLOSED_STATES]
		# Frappe's field-level filter of a list query reads the session user's permitted fields: the pop is
		# built in the device user's request, so the query runs as the bound user for its duration
		session_user, form_dict = frappe.session.user, frappe.local.form_dict  # set_user clears form_dict
		try:
			frappe.set_user(user)
			# execute() takes the user again (it resets the constructor's to the session user)
			rows = DatabaseQuery(doctype, user=user).execute(
				fields=["name", f"{title} as title", "modified"] + ([status] if status else []),
				filters=filters,
				order_by="modified desc",
				limit_page_length=5,
				user=user,
			)
		except frappe.PermissionError:
			continue
		finally:
			frappe.set_user(session_user)
			frappe.local.form_dict = form_dict
		return {"doctype": doctype, "rows": [{k: str(v or "") for k, v in r.items()} for r in rows]}
	return None
