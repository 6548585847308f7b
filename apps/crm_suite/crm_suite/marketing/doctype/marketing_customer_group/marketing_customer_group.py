# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class DuplicateGroupMember(frappe.ValidationError):
	pass


class MarketingCustomerGroup(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_suite.marketing.doctype.marketing_customer_group_member.marketing_customer_group_member import (
			MarketingCustomerGroupMember,
		)

		description: DF.SmallText | None
		group_name: DF.Data
		member_count: DF.Int
		members: DF.Table[MarketingCustomerGroupMember]
	# end: auto-generated types
	"""A customer group (SPEC CUS-09): customers gathered by hand or import, the target of campaigns."""

	def validate(self):
		self.validate_unique_members()
		self.member_count = len(self.members)

	def validate_unique_members(self):
		seen = set()
		for row in self.members:
			if row.customer in seen:
				frappe.throw(
					_("Row {0}: customer {1} is already in the group.").format(row.idx, row.customer),
					DuplicateGroupMember,
					title=_("Duplicate Member"),
				)
			seen.add(row.customer)
