# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.utils.nestedset import NestedSet


class SalesDepartment(NestedSet):
	pass
