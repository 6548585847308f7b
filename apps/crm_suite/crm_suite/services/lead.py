"""Lead conversion (SPEC POOL-12): a qualified lead becomes a customer and a contact, reusing the
existing customer (same registered name) and contact (same normalised phone or email) — never a
duplicate contact — and an opportunity (SALE-01) in the first stage of the customer's sales process."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from crm_suite.policies.names import normalise_company_name
from crm_suite.policies.phones import PhoneNumberInvalid, normalise_phone
from crm_suite.services.phone_index import phone_settings
from crm_suite.services.pool.claims import claim
from crm_suite.services.pool.errors import NotOwner
from crm_suite.services.pool.kinds import LEAD, POOL_STATE
from crm_suite.services.pool.locks import lock_rows
from crm_suite.services.pool.membership import manages
from crm_suite.services.pool.moves import log_moves
from crm_suite.services.sales.opportunities import make_from_lead

CONVERTIBLE = ("Following", "Qualified")


class LeadNotConvertible(frappe.ValidationError):
	pass


def convert_lead(name: str) -> dict:
	(row,) = lock_rows(LEAD, [name])
	lead = frappe.get_doc("Sales Lead", name)
	if lead.converted_customer:
		return {
			"customer": lead.converted_customer,
			"contact": lead.converted_contact,
			"opportunity": frappe.db.get_value("Sales Opportunity", {"sales_lead": name}, "name"),
		}
	actor = frappe.session.user
	if lead.salesperson != actor and not (lead.salesperson and manages(actor, lead.salesperson)):
		frappe.throw(_("Only the owner or their manager may convert {0}.").format(name), NotOwner)
	if lead.lifecycle_state not in CONVERTIBLE:
		frappe.throw(
			_("Only leads being followed or qualified can be converted; {0} is {1}.").format(
				name, _(lead.lifecycle_state)
			),
			LeadNotConvertible,
		)
	customer = find_or_make_customer(lead)
	contact = find_or_make_contact(lead, customer)
	t = frappe.qb.DocType("Sales Lead")
	now = now_datetime()
	(
		frappe.qb.update(t)
		.set(t.lifecycle_state, "Converted")
		.set(t.converted_customer, customer)
		.set(t.converted_contact, contact)
		.set(t.converted_on, now)
		.set(t.modified, now)
		.where(t.name == name)
		.run()
	)
	log_moves(LEAD, [row], "Convert", customer, to_salesperson=row.salesperson)
	opportunity = make_from_lead(lead, customer, contact)
	return {"customer": customer, "contact": contact, "opportunity": opportunity}


def find_or_make_customer(lead) -> str:
	company = lead.company_name or lead.lead_name
	key = normalise_company_name(company)
	existing = frappe.db.get_value(
		"Customer Account", {"name_key": key}, ["name", "salesperson", "lifecycle_state"], as_dict=True
	)
	if existing:
		if existing.salesperson == lead.salesperson:
			return existing.name
		if existing.lifecycle_state == POOL_STATE:
			# a claim like any other (POOL-02): membership, push-only and approval-only pools, limits
			claim([existing.name], user=lead.salesperson, reason=_("Lead conversion"))
			return existing.name
		frappe.throw(
			_("A customer with the same registered name already exists and belongs to {0}.").format(
				frappe.utils.get_fullname(existing.salesperson)
				if existing.salesperson
				else _(existing.lifecycle_state)
			),
			NotOwner,
			title=_("Duplicate Customer"),
		)
	doc = frappe.get_doc(
		{
			"doctype": "Customer Account",
			"customer_name": company,
			"contact_person": lead.contact_name,
			"mobile_no": lead.mobile_no,
			"phone": lead.phone,
			"email": lead.email,
			"customer_source": lead.lead_source,
			"campaign": lead.campaign,  # the campaign that brought the lead brought the customer (MKT-01)
			"industry": lead.industry,
			"province": lead.province,
			"customer_category": lead.customer_category,
			"salesperson": lead.salesperson,
		}
	)
	doc.flags.pool_service = True
	doc.insert(ignore_permissions=True, ignore_mandatory=True)
	return doc.name


def _phone_keys(*numbers) -> list[str]:
	region, area = phone_settings()
	keys = []
	for number in numbers:
		if not number:
			continue
		try:
			keys.append(normalise_phone(number, region, area).key)
		except PhoneNumberInvalid:
			continue
	return keys


def find_contact(mobile: str | None, phone: str | None, email: str | None) -> str | None:
	"""An existing Contact with the same normalised phone number or email."""
	keys = _phone_keys(mobile, phone)
	if keys:
		index = frappe.qb.DocType("Phone Number Index")
		found = (
			frappe.qb.from_(index)
			.select(index.reference_name)
			.where(index.phone_key.isin(keys) & (index.reference_doctype == "Contact"))
			.limit(1)
			.run(pluck=True)
		)
		if found:
			return found[0]
	if email:
		found = frappe.db.get_value(
			"Contact Email", {"email_id": email.strip(), "parenttype": "Contact"}, "parent"
		)
		if found:
			return found
	return None


def find_or_make_contact(lead, customer: str) -> str | None:
	if not (lead.contact_name or lead.mobile_no or lead.phone or lead.email):
		return None
	name = find_contact(lead.mobile_no, lead.phone, lead.email)
	if name:
		contact = frappe.get_doc("Contact", name)
		# Linking a contact to the new customer opens it to the customer's owner: only a contact the owner
		# (and the converting user) may already edit is reused; another team's contact is a collision.
		for user in {lead.salesperson, frappe.session.user}:
			if user and not frappe.has_permission("Contact", "write", doc=contact, user=user):
				frappe.throw(
					_(
						"A contact with the same phone number or email belongs to another salesperson's customer."
					),
					NotOwner,
					title=_("Duplicate Contact"),
				)
		if not any(l.link_doctype == "Customer Account" and l.link_name == customer for l in contact.links):
			contact.append("links", {"link_doctype": "Customer Account", "link_name": customer})
			contact.save(ignore_permissions=True)  # write access checked above, for owner and converter
		return name
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": lead.contact_name or lead.lead_name,
			"company_name": lead.company_name,
			"links": [{"link_doctype": "Customer Account", "link_name": customer}],
		}
	)
	if lead.email:
		contact.append("email_ids", {"email_id": lead.email, "is_primary": 1})
	if lead.mobile_no:
		contact.append("phone_nos", {"phone": lead.mobile_no, "is_primary_mobile_no": 1})
	if lead.phone:
		contact.append("phone_nos", {"phone": lead.phone, "is_primary_phone": 1})
	contact.insert(ignore_permissions=True)  # the Contact hooks index its numbers (customers/contact.py)
	return contact.name
