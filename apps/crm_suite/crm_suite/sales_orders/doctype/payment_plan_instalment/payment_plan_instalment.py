# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class PaymentPlanInstalment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		due_date: DF.Date
		overdue_notified: DF.Check
		paid_amount: DF.Currency
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		status: DF.Literal["", "Unpaid", "Partly Paid", "Paid", "Overdue"]
	# end: auto-generated types

	"""One instalment of a payment plan (SPEC SALE-06): its paid amount and status follow its payments."""


def on_doctype_update():
	# the daily overdue run filters on these (services/sales_money.flag_overdue_instalments)
	frappe.db.add_index("Payment Plan Instalment", ["status", "due_date"])
