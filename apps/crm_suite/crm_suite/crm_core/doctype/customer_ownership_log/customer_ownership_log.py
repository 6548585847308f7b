# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CustomerOwnershipLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Literal[
			"Create",
			"Claim",
			"Assign",
			"Take Back",
			"Transfer",
			"Recycle",
			"Abandon",
			"Import",
			"Delete",
			"Move",
			"Invalid",
			"Distribute",
			"Convert",
		]
		customer: DF.Link | None
		done_at: DF.Datetime | None
		done_by: DF.Link | None
		from_pool: DF.Link | None
		from_salesperson: DF.Link | None
		reason: DF.SmallText | None
		sales_lead: DF.Link | None
		to_pool: DF.Link | None
		to_salesperson: DF.Link | None
	# end: auto-generated types
	pass


def on_doctype_update():
	# Log rows are never edited (done_at = creation = modified), so the list sorts by Frappe's `modified`
	# index and done_at needs no index of its own: each one costs every recycled row an insert.
	# A customer's history:
	frappe.db.add_index("Customer Ownership Log", ["customer", "done_at"])
	# Claims per day (SPEC POOL-03) count a salesperson's claims since midnight; the recycle job counts the
	# recycle rows (moved to a pool: no to_salesperson) that an interrupted run never announced.
	frappe.db.add_index("Customer Ownership Log", ["to_salesperson", "action", "done_at"])
