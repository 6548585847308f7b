# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services import field_service


class ServiceContract(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		contract_title: DF.Data
		coverage: DF.SmallText | None
		currency: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		end_date: DF.Date
		expiry_notified: DF.Check
		naming_series: DF.Literal["FWHT-.YYYY.-"]
		reminder_days: DF.Int
		sales_department: DF.Link | None
		salesperson: DF.Link | None
		start_date: DF.Date
		status: DF.Literal["Active", "Expiring", "Expired"]
	# end: auto-generated types
	"""A service (maintenance) contract of a customer (服务合同, SPEC SVC-03), its salesperson reminded before it expires."""

	def validate(self):
		field_service.validate_contract(self)


def on_doctype_update():
	# the daily expiry run
	frappe.db.add_index("Service Contract", ["status", "expiry_notified", "end_date"])
	# the row scope (the salesperson's contracts) in the list's order
	frappe.db.add_index("Service Contract", ["salesperson", "modified"])
