# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.utils.nestedset import NestedSet


class CustomerRegion(NestedSet):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		area_code: DF.Data | None
		is_group: DF.Check
		lft: DF.Int
		old_parent: DF.Link | None
		parent_customer_region: DF.Link | None
		postcode: DF.Data | None
		region_level: DF.Literal["Country", "Province", "City", "District"]
		region_name: DF.Data
		rgt: DF.Int
	# end: auto-generated types
	pass
