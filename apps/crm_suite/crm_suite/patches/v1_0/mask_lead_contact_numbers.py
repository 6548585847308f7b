"""Fill the masked copies of lead, contact and SMS opt-out numbers, moved to permission level 1 (ORG-06)."""

from crm_suite.services.masking import fill_masked_copies

DOCTYPES = ["Sales Lead", "Contact", "SMS Opt Out"]


def execute():
	from crm_suite.customers.contact import make_contact_fields

	make_contact_fields()  # Contact's copies are custom fields: in place before they are filled
	fill_masked_copies(DOCTYPES)
