# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class ProductWarehouse(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		address: DF.SmallText | None
		enabled: DF.Check
		is_default: DF.Check
		warehouse_name: DF.Data
	# end: auto-generated types

	"""A warehouse (仓库, SPEC SALE-07); one may be the default for orders' lines."""

	def on_update(self):
		if self.is_default:
			warehouse = frappe.qb.DocType("Product Warehouse")
			frappe.qb.update(warehouse).set(warehouse.is_default, 0).where(warehouse.name != self.name).run()
