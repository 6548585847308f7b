# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.permissions.scope import visible_users
from crm_suite.services.indexes import add_lasting_index, drop_index
from crm_suite.services.sales.stages import apply_stage_rules, default_process, record_move


class SalesOpportunity(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_suite.sales.doctype.opportunity_rival.opportunity_rival import OpportunityRival

		budget: DF.Currency
		campaign: DF.Link | None
		contact: DF.Link | None
		currency: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		deal_date: DF.Date | None
		expected_amount: DF.Currency
		expected_close_date: DF.Date | None
		follow_up: DF.Link | None
		furthest_stage_index: DF.Int
		importance: DF.Literal["Normal", "Important", "Critical"]
		loss_reason: DF.Link | None
		lost_at_stage: DF.Data | None
		naming_series: DF.Literal["OPP-.YYYY.-.#####"]
		needs: DF.Text | None
		next_step: DF.SmallText | None
		opportunity_source: DF.Link | None
		opportunity_title: DF.Data
		overdue_notified: DF.Check
		probability: DF.Percent
		rivals: DF.Table[OpportunityRival]
		sales_department: DF.Link | None
		sales_lead: DF.Link | None
		sales_process: DF.Link | None
		salesperson: DF.Link | None
		stage: DF.Literal["初步接洽", "需求确认", "方案报价", "商务谈判", "赢单", "输单", "无效"]
		stage_entered_on: DF.Datetime | None
		stage_feedback: DF.SmallText | None
		status: DF.Literal["Open", "Won", "Lost", "Invalid"]
	# end: auto-generated types
	"""An opportunity (商机, SPEC SALE-01) with a customer, moving through a sales process's stages (SALE-02).

	Its stage changes only under the process's rules (services/sales/stages.py), whichever way it is saved."""

	def validate(self):
		self.set_salesperson()
		self.validate_customer_access()
		self.set_sales_process()
		apply_stage_rules(self)
		self.reset_overdue_flag()

	def on_update(self):
		record_move(self)
		self.move_history_with_owner()

	def move_history_with_owner(self):
		"""The history rows carry the opportunity's salesperson (their row scope): a reassignment takes them."""
		if not self.is_new() and self.has_value_changed("salesperson"):
			log = frappe.qb.DocType("Opportunity Stage Log")
			frappe.qb.update(log).set(log.salesperson, self.salesperson).where(
				log.opportunity == self.name
			).run()

	def set_salesperson(self):
		"""The customer's salesperson owns the opportunity (as customers hold theirs), else its maker; later
		only an admin reassigns it."""
		before = None if self.is_new() else self.get_doc_before_save()
		users = visible_users(frappe.session.user)
		if before and before.salesperson and users is not None:
			self.salesperson = before.salesperson
		elif self.is_new() and self.salesperson and users is not None and self.salesperson not in users:
			frappe.throw(
				_("You cannot create records for {0}.").format(self.salesperson), frappe.PermissionError
			)
		elif not self.salesperson:
			customer_owner = self.customer and frappe.db.get_value(
				"Customer Account", self.customer, "salesperson"
			)
			# a customer shared with the maker stays its owner's; the maker owns what they make on it
			mine = customer_owner and (users is None or customer_owner in users)
			self.salesperson = customer_owner if mine else frappe.session.user
		if self.is_new() or self.has_value_changed("salesperson"):
			self.sales_department = frappe.db.get_value("Sales Staff", self.salesperson, "sales_department")

	def validate_customer_access(self):
		if self.is_new() or self.has_value_changed("customer"):
			frappe.has_permission("Customer Account", "read", self.customer, throw=True)

	def set_sales_process(self):
		if not self.sales_process:
			self.sales_process = default_process(self.customer)
		if not self.stage and self.is_new():
			self.stage = None  # the process's first open stage (services/sales/stages.py)

	def reset_overdue_flag(self):
		if self.has_value_changed("expected_close_date"):
			self.overdue_notified = 0


def on_doctype_update():
	frappe.db.add_index("Sales Opportunity", ["sales_process", "stage"])
	# a board column (services/sales/board.py): one process's open cards of one stage, newest first
	frappe.db.add_index(
		"Sales Opportunity", ["sales_process", "stage", "status", "modified"], index_name="board_column"
	)
	# the conversion report's counts, read from the index alone
	frappe.db.add_index(
		"Sales Opportunity",
		["sales_process", "furthest_stage_index", "status", "stage", "lost_at_stage", "salesperson"],
		index_name="conversion_counts",
	)
	frappe.db.add_index("Sales Opportunity", ["salesperson", "stage"])
	frappe.db.add_index("Sales Opportunity", ["status", "expected_close_date"])
	# won deals of a period per salesperson with their amount, from the index alone: target attainment and
	# salesperson performance (RPT-06, issue 17) — a manager's month of won opportunities was looked up row by row
	# for the amount. It replaces (status, deal_date, salesperson).
	frappe.db.add_index(
		"Sales Opportunity",
		["status", "deal_date", "salesperson", "expected_amount"],
		index_name="won_report_index",
	)
	drop_index("Sales Opportunity", "status_deal_date_salesperson_index")
	# the stage conversion report's period: the opportunities created in it (RPT-04, issue 17) — an admin's
	# range of creation; anyone else's period per salesperson in scope, with what the counts group by, from the
	# index alone (a salesperson's month: 30 entries, not the month's 15k opportunities at 200k)
	add_lasting_index("Sales Opportunity", "creation")
	frappe.db.add_index(
		"Sales Opportunity",
		[
			"salesperson",
			"creation",
			"sales_process",
			"furthest_stage_index",
			"status",
			"stage",
			"lost_at_stage",
		],
		index_name="salesperson_creation_index",
	)
