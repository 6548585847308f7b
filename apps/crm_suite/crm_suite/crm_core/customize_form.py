"""Customize Form for the suite's admins (SPEC ORG-01): a CRM Admin opens only the suite's doctypes in it; what
they save is checked again field by field (permissions/customization.py)."""

from frappe.custom.doctype.customize_form.customize_form import CustomizeForm

from crm_suite.permissions.customization import validate_customize_form


class SuiteCustomizeForm(CustomizeForm):
	def validate_doctype(self, meta):
		super().validate_doctype(meta)
		validate_customize_form(self)
