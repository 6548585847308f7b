# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_suite.services import sales_money


class PaymentPlan(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_suite.sales_orders.doctype.payment_plan_instalment.payment_plan_instalment import (
			PaymentPlanInstalment,
		)

		currency: DF.Link | None
		customer: DF.Link | None
		customer_name: DF.Data | None
		customer_order: DF.Link | None
		document_total: DF.Currency
		instalments: DF.Table[PaymentPlanInstalment]
		naming_series: DF.Literal["PP-.YYYY.-"]
		planned_total: DF.Currency
		remarks: DF.SmallText | None
		sales_contract: DF.Link | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
	# end: auto-generated types

	"""A payment plan (回款计划, SPEC SALE-06): instalments (due date, amount) against one order or one contract,
	adding up to no more than its total. Each instalment's paid amount and status follow the payments that name
	it; the daily job flags the overdue ones and tells their owners once."""

	def validate(self):
		sales_money.validate_plan(self)
