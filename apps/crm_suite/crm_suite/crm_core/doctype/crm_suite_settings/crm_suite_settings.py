# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.services.modules import on_settings_update as on_module_switches_update
from crm_suite.services.modules import validate_settings as validate_module_switches


class DuplicatesBlockBan(frappe.ValidationError):
	pass


class CRMSuiteSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		birthday_remind_days: DF.Int
		company_name: DF.Data | None
		contract_admin_threshold: DF.Currency
		customers_recycle_notified_until: DF.Datetime | None
		default_phone_region: DF.Data | None
		duplicate_name_policy: DF.Literal["Off", "Warn", "Ban"]
		duplicate_phone_check: DF.Check
		enable_loyalty_points: DF.Check
		export_max_rows: DF.Int
		import_max_rows: DF.Int
		key_customer_stars: DF.Int
		leads_recycle_notified_until: DF.Datetime | None
		local_area_code: DF.Data | None
		mask_phone_numbers: DF.Check
		module_call_center: DF.Check
		module_decision_centre: DF.Check
		module_follow_up: DF.Check
		module_loyalty: DF.Check
		module_marketing: DF.Check
		module_orders: DF.Check
		module_pools: DF.Check
		module_sales: DF.Check
		module_service: DF.Check
		points_expiry_days: DF.Int
		recycle_jobs: DF.Int
		recycle_remind_days: DF.Int
		reminder_catch_up_days: DF.Int
		reminder_channel: DF.Literal["In App", "Email Digest", "None"]
		reminder_digest_hour: DF.Int
		reminders_enabled: DF.Check
		required_customer_fields: DF.SmallText | None
		sender_address: DF.SmallText | None
		sender_name: DF.Data | None
		sender_postcode: DF.Data | None
		shelved_review_days: DF.Int

	# end: auto-generated types
	def validate(self):
		self.validate_ban_possible()
		validate_module_switches(self)

	def on_update(self):
		on_module_switches_update(self)
		if self.has_value_changed("duplicate_name_policy"):
			self.sync_unique_name_keys()
		if self.has_value_changed("mask_phone_numbers") and not self.is_new():
			# every level-0 copy follows the setting (SPEC ORG-06): a long job, not this request
			frappe.enqueue(
				"crm_suite.services.masking.refresh_masked_copies",
				queue="long",
				enqueue_after_commit=True,
				now=frappe.flags.in_test,
			)

	def validate_ban_possible(self):
		if self.duplicate_name_policy != "Ban" or not self.has_value_changed("duplicate_name_policy"):
			return
		customer = frappe.qb.DocType("Customer Account")
		groups = (
			frappe.qb.from_(customer)
			.select(customer.name_key)
			.where(customer.name_key.isnotnull() & (customer.name_key != ""))
			.groupby(customer.name_key)
			.having(frappe.query_builder.functions.Count("*") > 1)
			.limit(5)
			.run(pluck=True)
		)
		if groups:
			frappe.throw(
				_("Duplicate names cannot be banned while these companies exist more than once: {0}").format(
					", ".join(groups)
				),
				DuplicatesBlockBan,
				title=_("Duplicates Found"),
			)

	def sync_unique_name_keys(self):
		"""One set-based update: the unique column mirrors the normalised name only while banned."""
		customer = frappe.qb.DocType("Customer Account")
		value = customer.name_key if self.duplicate_name_policy == "Ban" else None
		frappe.qb.update(customer).set(customer.name_key_unique, value).run()
