# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_to_date, cint, get_datetime, get_time, getdate, today

from crm_suite.services.indexes import add_lasting_index
from crm_suite.services.visit_plan import check_assignment

MAX_DURATION = 24 * 60


class PlanTimesInvalid(frappe.ValidationError):
	pass


class VisitPlan(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		auto_repeat: DF.Link | None
		completed_by: DF.Link | None
		completed_on: DF.Datetime | None
		contact: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		duration: DF.Int
		is_key: DF.Check
		method: DF.Link | None
		overdue_notified: DF.Check
		planned_date: DF.Date
		planned_end: DF.Datetime | None
		planned_start: DF.Datetime | None
		purpose: DF.Text | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
		start_time: DF.Time
		status: DF.Literal["Planned", "Done", "Overdue", "Cancelled"]
		subject: DF.Data
	# end: auto-generated types
	"""A planned visit or call (SPEC FUP-03) of one customer by one salesperson on one day."""

	def validate(self):
		self.set_salesperson()
		self.validate_customer_access()
		self.take_calendar_move()
		self.set_schedule()
		self.set_status()

	def set_salesperson(self):
		self.salesperson = self.salesperson or frappe.session.user
		if self.is_new() or self.has_value_changed("salesperson"):
			check_assignment(self.salesperson)
			self.sales_department = frappe.db.get_value("Sales Staff", self.salesperson, "sales_department")

	def validate_customer_access(self):
		if self.is_new() or self.has_value_changed("customer"):
			frappe.has_permission("Customer Account", "read", self.customer, throw=True)

	def take_calendar_move(self):
		"""A plan dragged or resized in the Calendar arrives with a new start / end only (Frappe's
		update_event): day, time and length follow them. Edits of day or time in the form win."""
		before = self.get_doc_before_save()
		if not before or not self.planned_start:
			return
		start = get_datetime(self.planned_start)
		end = get_datetime(self.planned_end) if self.planned_end else None
		moved = start != get_datetime(before.planned_start) or (
			end and before.planned_end and end != get_datetime(before.planned_end)
		)
		edited = getdate(self.planned_date) != getdate(before.planned_date) or get_time(
			self.start_time
		) != get_time(before.start_time)
		if not moved or edited:
			return
		self.planned_date = start.date()
		self.start_time = start.strftime("%H:%M:%S")
		if end and end > start:
			self.duration = int((end - start).total_seconds() // 60)

	def set_schedule(self):
		"""Start and end as datetimes for the calendar and the reminders, from the day, time and length."""
		if not 0 < cint(self.duration) <= MAX_DURATION:
			frappe.throw(
				_("The duration must be between 1 and {0} minutes.").format(MAX_DURATION),
				PlanTimesInvalid,
				title=_("Invalid Input"),
			)
		self.planned_start = get_datetime(f"{getdate(self.planned_date)} {self.start_time or '00:00:00'}")
		self.planned_end = add_to_date(self.planned_start, minutes=cint(self.duration))

	def set_status(self):
		if self.is_new():
			# a copy (Auto Repeat, Duplicate) starts open and unannounced
			self.status = "Planned"
			self.completed_by = self.completed_on = None
			self.overdue_notified = 0
		elif self.has_value_changed("planned_date") and self.status == "Overdue":
			if getdate(self.planned_date) >= getdate(today()):
				self.status = "Planned"  # moved to a later day: open again, and may be announced again
				self.overdue_notified = 0
		if self.status == "Done" and not self.completed_by and self.has_value_changed("status"):
			frappe.throw(
				_("A visit plan is done when a follow-up is logged against it."),
				frappe.ValidationError,
				title=_("Invalid Input"),
			)


def on_doctype_update():
	# calendar and "my day" by salesperson and day; the daily overdue run by state
	frappe.db.add_index("Visit Plan", ["salesperson", "planned_date"])
	frappe.db.add_index("Visit Plan", ["status", "overdue_notified", "planned_date"])
	add_lasting_index("Visit Plan", "planned_date")
