"""Making opportunities (SPEC SALE-01) from where a sale starts: a customer, a follow-up, a converted lead
(POOL-12). The form buttons open a new opportunity with these values; lead conversion inserts one."""

import frappe
from frappe import _

OPPORTUNITY = "Sales Opportunity"


def _require(doctype: str, name: str) -> None:
	"""The record exists and the user may read it (404 / 403, never a server error)."""
	if not frappe.db.exists(doctype, name):
		frappe.throw(_("{0} {1} not found").format(_(doctype), name), frappe.DoesNotExistError)
	frappe.has_permission(doctype, "read", name, throw=True)


def values_from_customer(customer: str) -> dict:
	_require("Customer Account", customer)
	row = frappe.db.get_value(
		"Customer Account", customer, ["customer_name", "customer_source"], as_dict=True
	)
	return {
		"doctype": OPPORTUNITY,
		"customer": customer,
		"opportunity_title": row.customer_name,
		"opportunity_source": row.customer_source,
	}


def values_from_follow_up(follow_up: str) -> dict:
	_require("Follow Up Record", follow_up)
	record = frappe.db.get_value(
		"Follow Up Record", follow_up, ["customer", "contact", "next_step", "content"], as_dict=True
	)
	if not record.customer:
		frappe.throw(_("This follow-up has no customer to make an opportunity for."), frappe.ValidationError)
	values = values_from_customer(record.customer)
	values.update(
		{
			"contact": record.contact,
			"follow_up": follow_up,
			"next_step": record.next_step,
			"needs": record.content,
		}
	)
	return values


def make_from_lead(lead, customer: str, contact: str | None) -> str:
	"""The opportunity a converted lead becomes (POOL-12): owned by the lead's salesperson, once per lead."""
	existing = frappe.db.get_value(OPPORTUNITY, {"sales_lead": lead.name}, "name")
	if existing:
		return existing
	doc = frappe.get_doc(
		{
			"doctype": OPPORTUNITY,
			"opportunity_title": lead.company_name or lead.lead_name,
			"customer": customer,
			"contact": contact,
			"sales_lead": lead.name,
			"opportunity_source": lead.lead_source,
			"campaign": lead.campaign,
			"salesperson": lead.salesperson,
		}
	)
	doc.insert(ignore_permissions=True)  # the converter's right to convert was checked by the lead service
	return doc.name
