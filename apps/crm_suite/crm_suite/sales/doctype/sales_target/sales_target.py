# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_first_day


class SalesTarget(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		currency: DF.Link | None
		planned_amount: DF.Currency
		planned_count: DF.Int
		sales_department: DF.Link | None
		salesperson: DF.Link
		target_month: DF.Date
	# end: auto-generated types
	"""A salesperson's deal target for one month (SPEC SALE-10): planned amount and number of deals."""

	def validate(self):
		self.target_month = get_first_day(self.target_month)
		self.sales_department = frappe.db.get_value("Sales Staff", self.salesperson, "sales_department")
		self.validate_one_per_month()

	def validate_one_per_month(self):
		other = frappe.db.get_value(
			"Sales Target",
			{"salesperson": self.salesperson, "target_month": self.target_month, "name": ("!=", self.name)},
		)
		if other:
			frappe.throw(
				_("{0} already has a target for {1}: {2}").format(
					self.salesperson, frappe.utils.formatdate(self.target_month, "yyyy-MM"), other
				),
				frappe.DuplicateEntryError,
			)


def on_doctype_update():
	frappe.db.add_unique("Sales Target", ["salesperson", "target_month"], constraint_name="salesperson_month")
	frappe.db.add_index("Sales Target", ["target_month", "sales_department"])
