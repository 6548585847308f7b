# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_suite.services.marketing import check_campaign_owner, validate_campaign


class SalesCampaign(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_suite.marketing.doctype.sales_campaign_goal.sales_campaign_goal import SalesCampaignGoal
		from crm_suite.marketing.doctype.sales_campaign_group.sales_campaign_group import SalesCampaignGroup

		budget: DF.Currency
		budget_note: DF.SmallText | None
		campaign_name: DF.Data
		campaign_owner: DF.Link | None
		channel: DF.Literal[
			"Exhibition", "Seminar", "Online Advertising", "Phone", "SMS", "Email", "WeChat", "Other"
		]
		currency: DF.Link
		end_date: DF.Date
		goals: DF.Table[SalesCampaignGoal]
		naming_series: DF.Literal["MKT-.YYYY.-.####"]
		plan: DF.TextEditor | None
		sales_department: DF.Link | None
		start_date: DF.Date
		status: DF.Literal["Planned", "In Progress", "Completed", "Cancelled"]
		target_groups: DF.TableMultiSelect[SalesCampaignGroup]
	# end: auto-generated types
	"""A marketing campaign (SPEC MKT-01): plan, goals, target customer groups and budget; its results are
	counted live from the documents that carry it (services/marketing.py), its tasks are assignments."""

	def validate(self):
		self.set_campaign_owner()
		validate_campaign(self)

	def set_campaign_owner(self):
		self.campaign_owner = self.campaign_owner or frappe.session.user
		if self.is_new() or self.has_value_changed("campaign_owner"):
			check_campaign_owner(self.campaign_owner)
			self.sales_department = frappe.db.get_value(
				"Sales Staff", self.campaign_owner, "sales_department"
			)
