# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ComplaintSeverity(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		deadline_hours: DF.Int
		enabled: DF.Check
		severity_name: DF.Data
	# end: auto-generated types
	"""A complaint severity and its handling deadline (SPEC SVC-02): the settings the deadline is computed from."""

	pass
