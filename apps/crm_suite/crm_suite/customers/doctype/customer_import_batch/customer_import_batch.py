# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.permissions.scope import visible_users


class SalespersonNotAssignable(frappe.ValidationError):
	pass


class ImportBatchRunning(frappe.ValidationError):
	pass


class CustomerImportBatch(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		assigned_rows: DF.Int
		customer_pool: DF.Link | None
		duplicate_rows: DF.Int
		error_report: DF.Attach | None
		failed_rows: DF.Int
		finished_on: DF.Datetime | None
		import_file: DF.Attach
		import_mode: DF.Literal["All or nothing", "Import valid rows"]
		imported_rows: DF.Int
		job_id: DF.Data | None
		message: DF.SmallText | None
		salesperson: DF.Link | None
		started_on: DF.Datetime | None
		status: DF.Literal["Pending", "Queued", "Running", "Completed", "Partially Completed", "Failed"]
		total_rows: DF.Int
		unassigned_rows: DF.Int
	# end: auto-generated types
	"""One upload of customers from Excel and its outcome (SPEC CUS-07; counts feed RPT-09)."""

	def validate(self):
		self.validate_salesperson()
		self.validate_file_type()

	def validate_salesperson(self):
		if not self.salesperson:
			return
		enabled = frappe.db.get_value("Sales Staff", {"user": self.salesperson, "enabled": 1}, "name")
		allowed = visible_users(frappe.session.user)
		if not enabled or (allowed is not None and self.salesperson not in allowed):
			frappe.throw(
				_("{0} is not an active salesperson you may assign customers to.").format(self.salesperson),
				SalespersonNotAssignable,
				title=_("Invalid Salesperson"),
			)

	def validate_file_type(self):
		if self.import_file and not self.import_file.lower().endswith(".xlsx"):
			frappe.throw(
				_("Please upload an Excel file (.xlsx), for example the import template."),
				frappe.ValidationError,
				title=_("Invalid Import File"),
			)

	def on_trash(self):
		if self.status in ("Queued", "Running"):
			frappe.throw(_("The import is still running."), ImportBatchRunning, title=_("Import Running"))
