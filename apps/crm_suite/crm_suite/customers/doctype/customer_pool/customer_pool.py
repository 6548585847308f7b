# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CustomerPool(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_suite.pools.doctype.pool_admin.pool_admin import PoolAdmin
		from crm_suite.pools.doctype.pool_member.pool_member import PoolMember
		from crm_suite.pools.doctype.pool_rule.pool_rule import PoolRule

		admins: DF.Table[PoolAdmin]
		claim_needs_approval: DF.Check
		description: DF.SmallText | None
		distribution_mode: DF.Literal["Pull", "Push", "Both"]
		is_default: DF.Check
		last_pushed_to: DF.Link | None
		members: DF.Table[PoolMember]
		pool_name: DF.Data
		pool_type: DF.Literal["Customer", "Lead"]
		push_method: DF.Literal["Round Robin", "Least Loaded"]
		rules: DF.Table[PoolRule]
		strategy: DF.Link | None
	# end: auto-generated types
	pass
