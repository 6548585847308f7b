# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services import loyalty


class CustomerPointsRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		basis: DF.Literal["Per Unit", "Per Amount"]
		customer_kind: DF.Link | None
		enabled: DF.Check
		product: DF.Link
		product_name: DF.Data | None
		rate: DF.Float
		rule_key: DF.Data | None
		unit: DF.Link | None
	# end: auto-generated types
	"""How many points an order line earns (SPEC SALE-08): per product, unit and customer type; blank unit or
	type means any. One rule per product × unit × type (rule_key is unique); set singly here, many at once with
	the list's "Set Rules in Bulk" or through Data Import."""

	def validate(self):
		loyalty.validate_rule(self)
