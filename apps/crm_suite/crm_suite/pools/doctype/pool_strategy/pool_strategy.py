# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document


class PoolStrategy(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		count_deal_customers: DF.Check
		is_default: DF.Check
		max_claims_per_day: DF.Int
		max_owned: DF.Int
		max_protected: DF.Int
		protection_days: DF.Int
		reclaim_cooldown_days: DF.Int
		strategy_name: DF.Data
	# end: auto-generated types
	pass
