"""Customer contacts on Frappe's core Contact (SPEC CUS-08), as frappe/crm does: linked to a
Customer Account through Contact's Dynamic Link table and extended with the app's custom fields."""

import frappe
from frappe import _
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from crm_suite.permissions.customer import customer_scope_criterion
from crm_suite.permissions.rows import READ_PTYPES, doc_matches, list_condition, scope
from crm_suite.permissions.scope import visible_users
from crm_suite.services.masking import can_see_full_numbers, display_value, sync_masked_copies
from crm_suite.services.phone_index import drop_phone_index, sync_phone_rows

CUSTOMER = "Customer Account"
CONTACT_FIELDS = {
	"Contact": [
		{
			"fieldname": "crm_section",
			"fieldtype": "Section Break",
			"label": "Customer Relationship",
			"insert_after": "company_name",
			"collapsible": 1,
		},
		{
			"fieldname": "crm_reports_to",
			"fieldtype": "Link",
			"options": "Contact",
			"label": "Reports To",
			"insert_after": "crm_section",
			"description": "Another contact of the same customer.",
		},
		{
			"fieldname": "crm_birthday",
			"fieldtype": "Date",
			"label": "Birthday",
			"insert_after": "crm_reports_to",
		},
		{"fieldname": "crm_column", "fieldtype": "Column Break", "insert_after": "crm_birthday"},
		{
			"fieldname": "crm_interests",
			"fieldtype": "Small Text",
			"label": "Interests",
			"insert_after": "crm_column",
		},
		{
			"fieldname": "crm_family",
			"fieldtype": "Small Text",
			"label": "Family",
			"insert_after": "crm_interests",
		},
		{
			"fieldname": "crm_background",
			"fieldtype": "Small Text",
			"label": "Background",
			"insert_after": "crm_family",
		},
		# Level-0 copies of the primary numbers (SPEC ORG-06), as on Customer Account.
		{
			"fieldname": "phone_masked",
			"fieldtype": "Data",
			"label": "Phone",
			"insert_after": "designation",
			"in_list_view": 1,
			"description": "Middle digits hidden for roles without full-number access; "
			"type a whole new number to change it.",
		},
		{
			"fieldname": "mobile_no_masked",
			"fieldtype": "Data",
			"label": "Mobile No",
			"insert_after": "phone_masked",
			"description": "Middle digits hidden for roles without full-number access; "
			"type a whole new number to change it.",
		},
	]
}
# Contact's full numbers: the primary ones and the table they come from, at level 1 (SPEC ORG-06).
CONTACT_NUMBER_FIELDS = ("phone", "mobile_no", "phone_nos")
FULL_NUMBER_ROLES = ("System Manager", "CRM Admin", "CRM Manager")


class ReportsToOutsideCustomer(frappe.ValidationError):
	pass


# What the CRM roles may do with core Contacts (row scope narrows it further, see below).
CONTACT_PERMISSIONS = {
	"CRM Salesperson": ("read", "write", "create", "export", "print", "report", "share", "email"),
	"CRM Manager": ("read", "write", "create", "delete", "export", "print", "report", "share", "email"),
	"CRM Admin": (
		"read",
		"write",
		"create",
		"delete",
		"export",
		"import",
		"print",
		"report",
		"share",
		"email",
	),
}


def make_contact_fields():
	"""Custom fields the app owns on core Contact (follow the code), and the CRM roles' Contact permissions,
	seeded only for a role that has none yet: an admin's later changes to them survive migrations."""
	from frappe.custom.doctype.property_setter.property_setter import make_property_setter
	from frappe.permissions import add_permission, update_permission_property

	create_custom_fields(CONTACT_FIELDS, ignore_validate=True, update=True)
	for role, rights in CONTACT_PERMISSIONS.items():
		if frappe.db.exists("Custom DocPerm", {"parent": "Contact", "role": role, "permlevel": 0}):
			continue
		add_permission("Contact", role, 0)
		for right in rights:
			update_permission_property("Contact", role, 0, right, 1, validate=False)
	for fieldname in CONTACT_NUMBER_FIELDS:
		make_property_setter("Contact", fieldname, "permlevel", 1, "Int", validate_fields_for_doctype=False)
	for fieldname in ("phone", "mobile_no"):
		make_property_setter(
			"Contact", fieldname, "in_list_view", 0, "Check", validate_fields_for_doctype=False
		)
	for role in FULL_NUMBER_ROLES:
		if frappe.db.exists("Custom DocPerm", {"parent": "Contact", "role": role, "permlevel": 1}):
			continue
		add_permission("Contact", role, 1)
		for right in ("read", "write"):
			update_permission_property("Contact", role, 1, right, 1, validate=False)


def drop_contact_fields():
	for field in CONTACT_FIELDS["Contact"]:
		frappe.db.delete("Custom Field", {"dt": "Contact", "fieldname": field["fieldname"]})
	frappe.db.delete(
		"Property Setter",
		{
			"doc_type": "Contact",
			"field_name": ("in", CONTACT_NUMBER_FIELDS),
			"property": ("in", ("permlevel", "in_list_view")),
		},
	)
	frappe.db.delete(
		"Custom DocPerm", {"parent": "Contact", "permlevel": 1, "role": ("in", FULL_NUMBER_ROLES)}
	)


def linked_customers(contact) -> list[str]:
	return [row.link_name for row in contact.get("links") or [] if row.link_doctype == CUSTOMER]


def validate(contact, method=None):
	sync_numbers(contact)
	customers = linked_customers(contact)
	if contact.get("crm_reports_to"):
		if contact.crm_reports_to == contact.name:
			frappe.throw(_("A contact cannot report to itself."), ReportsToOutsideCustomer)
		boss = frappe.get_doc("Contact", contact.crm_reports_to)
		if customers and not set(customers) & set(linked_customers(boss)):
			frappe.throw(
				_("{0} is not a contact of the same customer.").format(boss.full_name or boss.name),
				ReportsToOutsideCustomer,
				title=_("Reports To"),
			)


def sync_numbers(contact):
	"""The primary numbers and their level-0 copies (SPEC ORG-06). Frappe derives `phone` / `mobile_no` from
	the numbers table, which users without full-number access never see: a whole new number they type into
	a copy becomes the table's primary row of that kind (an emptied copy drops that row)."""
	sync_masked_copies(contact)
	rows = contact.get("phone_nos") or []
	for fieldname in ("mobile_no", "phone"):
		flag = f"is_primary_{fieldname}"
		number = contact.get(fieldname) or None
		primary = [row for row in rows if row.get(flag)]
		if (primary[0].phone if primary else None) == number:
			continue
		for row in primary:
			if number:
				row.set(flag, 0)
			else:
				contact.remove(row)
		if number:
			same = next((row for row in contact.get("phone_nos") if row.phone == number), None)
			if same:
				same.set(flag, 1)
			else:
				contact.append("phone_nos", {"phone": number, flag: 1})


def mask_contact_list(contacts: list[dict]) -> list[dict]:
	"""The customer form's contact cards (Frappe's `get_contact_display_list` reads the numbers table
	without field-level checks): numbers as the level-0 copies show them for users without full-number
	access (SPEC ORG-06)."""
	if can_see_full_numbers("Contact"):
		return contacts
	for contact in contacts:
		for fieldname in ("phone", "mobile_no"):
			contact[fieldname] = contact.get(f"{fieldname}_masked") or display_value(contact.get(fieldname))
		for row in contact.get("phone_nos") or []:
			row["phone"] = display_value(row.get("phone"))
	return contacts


def on_update(contact, method=None):
	customers = linked_customers(contact)
	if contact.is_primary_contact and customers:
		# one primary contact per customer: the one just saved
		link = frappe.qb.DocType("Dynamic Link")
		others = (
			frappe.qb.from_(link)
			.select(link.parent)
			.where(
				(link.parenttype == "Contact")
				& (link.link_doctype == CUSTOMER)
				& link.link_name.isin(customers)
				& (link.parent != contact.name)
			)
		)
		table = frappe.qb.DocType("Contact")
		frappe.qb.update(table).set(table.is_primary_contact, 0).where(table.name.isin(others)).run()
	numbers = [(row.phone, "phone_nos") for row in contact.get("phone_nos") or [] if row.phone]
	numbers += [(contact.get(f), f) for f in ("phone", "mobile_no") if contact.get(f)]
	sync_phone_rows(contact, numbers, customers[0] if customers else None)


def on_trash(contact, method=None):
	drop_phone_index(contact)


@scope("Contact")
def contact_scope_criterion(user: str, users: list[str], table, ptype: str):
	"""Contacts of customers outside the user's scope are hidden (SPEC ORG-03): a contact is in scope
	unless it is linked to a customer the user may not see; contacts that belong to no customer follow
	Frappe's own rules. None when the user is unrestricted."""
	customer = frappe.qb.DocType(CUSTOMER)
	visible = frappe.qb.from_(customer).select(customer.name).where(customer_scope_criterion(user, customer))
	link = frappe.qb.DocType("Dynamic Link")
	hidden = (
		frappe.qb.from_(link)
		.select(link.parent)
		.where(
			(link.parenttype == "Contact") & (link.link_doctype == CUSTOMER) & link.link_name.notin(visible)
		)
	)
	return table.name.notin(hidden)


get_permission_query_conditions = list_condition(contact_scope_criterion)


def has_permission(doc, ptype: str = "read", user: str | None = None) -> bool | None:
	"""The stored contact by the list's criterion; its links as they are in memory (a new contact, or one
	being saved) only to customers within the same customer scope."""
	user = user or frappe.session.user
	if visible_users(user) is None:
		return None
	if not doc_matches(doc, contact_scope_criterion, ptype, user):
		return False
	customers = linked_customers(doc) if ptype not in READ_PTYPES else None  # a read: the stored links
	if customers:
		customer = frappe.qb.DocType(CUSTOMER)
		seen = (
			frappe.qb.from_(customer)
			.select(customer.name)
			.where(customer.name.isin(customers) & customer_scope_criterion(user, customer))
			.run(pluck=True)
		)
		if set(customers) - set(seen):
			return False
	return None
