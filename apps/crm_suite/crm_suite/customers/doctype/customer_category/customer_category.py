# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_suite.customers.boot import clear_boot_cache


class CustomerCategory(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		category_name: DF.Data
		color: DF.Color | None
		description: DF.SmallText | None
		icon: DF.Data | None
		indicator: DF.Literal[
			"blue", "green", "orange", "red", "purple", "gray", "yellow", "cyan", "pink", "darkgrey"
		]
		is_blacklist: DF.Check
		sales_process: DF.Link | None
		sort_order: DF.Int
	# end: auto-generated types

	def on_update(self):
		clear_boot_cache()

	def on_trash(self):
		clear_boot_cache()
