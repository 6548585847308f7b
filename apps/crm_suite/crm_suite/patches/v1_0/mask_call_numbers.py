"""Fill the masked copies of call-log and dial-queue numbers added with their permission level (ORG-06)."""

from crm_suite.services.masking import DERIVED_PHONE_FIELDS, fill_masked_copies


def execute():
	fill_masked_copies(list(DERIVED_PHONE_FIELDS))
