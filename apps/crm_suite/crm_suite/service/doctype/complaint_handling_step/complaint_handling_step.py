# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ComplaintHandlingStep(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Data | None
		note: DF.SmallText | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		step_by: DF.Link | None
		step_on: DF.Datetime | None
	# end: auto-generated types
	"""One step of a complaint's handling record (SPEC SVC-02): appended, never edited."""

	pass
