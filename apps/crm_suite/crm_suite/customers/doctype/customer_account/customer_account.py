# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.contacts.doctype.contact.contact import get_contact_display_list
from frappe.model.document import Document

from crm_suite.permissions.ownership_fields import guard_ownership_fields
from crm_suite.policies.names import normalise_company_name
from crm_suite.policies.phones import PhoneNumberInvalid, normalise_phone
from crm_suite.policies.pinyin import initials_key, pinyin_keys
from crm_suite.services.customer_fields import duplicate_name_policy, required_fields_for
from crm_suite.services.indexes import add_lasting_index, drop_index
from crm_suite.services.masking import sync_masked_copies
from crm_suite.services.ownership import log_ownership_changes
from crm_suite.services.phone_index import (
	PHONE_FIELDS,
	drop_phone_index,
	index_rows_for,
	phone_settings,
	sync_phone_index,
)
from crm_suite.services.pool.errors import CustomerProtected
from crm_suite.services.pool.membership import default_pool


class DuplicateCustomerName(frappe.ValidationError):
	pass


class CustomerAccount(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		address: DF.SmallText | None
		annual_revenue: DF.Currency
		bank_account: DF.Data | None
		bank_name: DF.Data | None
		campaign: DF.Link | None
		city: DF.Link | None
		claimed_on: DF.Datetime | None
		contact_person: DF.Data | None
		credit_rating: DF.Literal["", "A", "B", "C", "D"]
		customer_category: DF.Link | None
		customer_kind: DF.Link | None
		customer_name: DF.Data
		customer_pool: DF.Link | None
		customer_source: DF.Link | None
		customer_value: DF.Currency
		deal_on: DF.Date | None
		decision_chain: DF.SmallText | None
		earns_points: DF.Check
		email: DF.Data | None
		employee_count: DF.Int
		fax: DF.Data | None
		fax_masked: DF.Data | None
		industry: DF.Link | None
		is_target: DF.Check
		last_contact_on: DF.Datetime | None
		last_released_by: DF.Link | None
		last_released_on: DF.Datetime | None
		lifecycle_state: DF.Literal["Pending", "Pool", "Following", "Deal", "Shelved", "Invalid"]
		locked: DF.Check
		mobile_no: DF.Data | None
		mobile_no_masked: DF.Data | None
		name_initials: DF.Data | None
		name_key: DF.Data | None
		name_key_unique: DF.Data | None
		name_pinyin: DF.Data | None
		naming_series: DF.Literal["CUS-.YYYY.-.#####"]
		pending_mark: DF.Literal["", "To Check", "To Mail", "To Contact"]
		pending_since: DF.Date | None
		phone: DF.Data | None
		phone_masked: DF.Data | None
		postcode: DF.Data | None
		protected_until: DF.Datetime | None
		province: DF.Link | None
		registered_capital: DF.Currency
		relationship_level: DF.Literal["", "New", "Acquainted", "Trusted", "Strategic"]
		remarks: DF.Text | None
		sales_department: DF.Link | None
		salesperson: DF.Link | None
		short_name: DF.Data | None
		stars: DF.Rating
		tax_id: DF.Data | None
		website: DF.Data | None

	# end: auto-generated types
	def onload(self):
		from crm_suite.customers.contact import mask_contact_list

		# The contact cards only: the form has no address field, and Frappe's load_address_and_contact would
		# read the address list too — each list's query passes over all the user's permissions first (Frappe's
		# Address / Contact link conditions), so a customer without contacts skips the contacts' too (issue 19).
		contacts = frappe.db.exists(
			"Dynamic Link", {"parenttype": "Contact", "link_doctype": self.doctype, "link_name": self.name}
		)
		self.set_onload(
			"contact_list",
			mask_contact_list(get_contact_display_list(self.doctype, self.name)) if contacts else [],
		)
		# the dashboard's figures come with the form instead of two requests of their own after it (issue 19)
		self.set_onload("crm_figures", form_figures(self.name))

	def validate(self):
		self.set_search_keys()
		self.set_ownership_defaults()
		sync_masked_copies(self)
		self.guard_ownership_fields()
		self.validate_required_fields()
		self.validate_phone_numbers()
		self.validate_protected_duplicate()
		self.validate_duplicate_name()
		self.warn_duplicate_phones()
		self.set_pending_since()

	def on_update(self):
		sync_phone_index(self, PHONE_FIELDS["Customer Account"], self.name)

	def after_insert(self):
		log_ownership_changes(
			[{"customer": self.name, "to_salesperson": self.salesperson, "to_pool": self.customer_pool}],
			"Create",
		)

	def on_trash(self):
		drop_phone_index(self)
		log_ownership_changes(
			[{"customer": self.name, "from_salesperson": self.salesperson, "from_pool": self.customer_pool}],
			"Delete",
		)

	def set_search_keys(self):
		self.name_key = normalise_company_name(self.customer_name)
		self.name_pinyin = pinyin_keys(self.customer_name)
		self.name_initials = initials_key(self.name_pinyin)
		# With the ban on, a unique index on this column is what decides a race, not the check below.
		self.name_key_unique = self.name_key if duplicate_name_policy() == "Ban" else None

	def set_ownership_defaults(self):
		if self.is_new() and not self.salesperson and not self.customer_pool:
			if "CRM Salesperson" in frappe.get_roles() and frappe.session.user != "Administrator":
				self.salesperson = frappe.session.user
		if self.salesperson:
			self.sales_department = frappe.db.get_value("Sales Staff", self.salesperson, "sales_department")
			if self.lifecycle_state in (None, "", "Pool", "Pending") and self.is_new():
				self.lifecycle_state = "Following"
				self.claimed_on = frappe.utils.now_datetime()
		elif self.is_new() and (self.customer_pool or self.lifecycle_state in (None, "", "Pool")):
			# Without an owner a new customer enters a pool (SPEC POOL-01); "Pending" imports stay put.
			self.customer_pool = self.customer_pool or default_pool("Customer")
			self.lifecycle_state = "Pool"

	def guard_ownership_fields(self):
		guard_ownership_fields(self)

	def set_pending_since(self):
		"""A pending mark (to check / to mail / to contact, SPEC FUP-04) is dated when set or changed: the
		reminder engine reminds of each marking once."""
		if not self.pending_mark:
			self.pending_since = None
		elif self.is_new() or self.has_value_changed("pending_mark") or not self.pending_since:
			self.pending_since = frappe.utils.today()

	def validate_required_fields(self):
		required = required_fields_for(self.sales_department)
		meta = self.meta
		missing = [
			_(meta.get_label(f))
			for f in (line.strip() for line in required.splitlines())
			if f and meta.has_field(f) and not self.get(f)
		]
		if missing:
			frappe.throw(
				_("Please fill in: {0}").format(", ".join(missing)),
				frappe.MandatoryError,
				title=_("Missing Values Required"),
			)

	def validate_phone_numbers(self):
		region, area = phone_settings()
		for fieldname in PHONE_FIELDS["Customer Account"]:
			value = self.get(fieldname)
			if not value:
				continue
			try:
				valid = normalise_phone(value, region, area).is_valid
			except PhoneNumberInvalid:
				valid = False
			if not valid:
				frappe.throw(
					_("{0} is not a valid phone number: {1}").format(
						_(self.meta.get_label(fieldname)), value
					),
					frappe.ValidationError,
					title=_("Invalid Phone Number"),
				)

	def validate_protected_duplicate(self):
		"""A protected customer's company cannot be added again by anyone (SPEC POOL-04, POOL-10)."""
		if not self.name_key:
			return
		table = frappe.qb.DocType("Customer Account")
		protected = (
			frappe.qb.from_(table)
			.select(table.salesperson)
			.where(
				(table.name_key == self.name_key)
				& (table.name != (self.name or ""))
				& (table.protected_until > frappe.utils.now_datetime())
			)
			.limit(1)
			.run()
		)
		if protected and protected[0][0] != frappe.session.user:
			frappe.throw(
				_("This company is protected by {0}; it cannot be added again.").format(
					frappe.utils.get_fullname(protected[0][0])
				),
				CustomerProtected,
				title=_("Duplicate Customer"),
			)

	def validate_duplicate_name(self):
		policy = duplicate_name_policy()
		if policy == "Off" or not self.name_key:
			return
		existing = frappe.db.get_value(
			"Customer Account",
			{"name_key": self.name_key, "name": ("!=", self.name or "")},
			["name", "salesperson", "lifecycle_state"],
			as_dict=True,
		)
		if not existing:
			return
		message = collision_message(existing.salesperson)
		if policy == "Ban":
			frappe.throw(message, DuplicateCustomerName, title=_("Duplicate Customer"))
		frappe.msgprint(message, title=_("Possible Duplicate"), indicator="orange")

	def warn_duplicate_phones(self):
		"""SPEC CUS-04: a number already held by another customer or a contact is pointed out (the holder's
		customer code only, nothing private)."""
		if not frappe.db.get_single_value("CRM Suite Settings", "duplicate_phone_check"):
			return
		keys = [row["phone_key"] for row in index_rows_for(self, PHONE_FIELDS["Customer Account"], self.name)]
		if not keys:
			return
		index = frappe.qb.DocType("Phone Number Index")
		holders = (
			frappe.qb.from_(index)
			.select(index.customer)
			.distinct()
			.where(
				index.phone_key.isin(keys)
				& index.customer.isnotnull()
				& (index.customer != (self.name or ""))
			)
			.limit(5)
			.run(pluck=True)
		)
		if holders:
			frappe.msgprint(
				_("This phone number is already recorded for customer {0}.").format(", ".join(holders)),
				title=_("Duplicate Phone Number"),
				indicator="orange",
			)
			self.flags.duplicate_phone_holders = holders

	def show_unique_validation_message(self, e):
		# The insert that loses a race on the unique name index gets the same message as the early check.
		if "name_key_unique" in str(e):
			holder = frappe.db.get_value(
				"Customer Account", {"name_key_unique": self.name_key}, "salesperson"
			)
			frappe.throw(collision_message(holder), DuplicateCustomerName, title=_("Duplicate Customer"))
		super().show_unique_validation_message(e)


def form_figures(customer: str) -> dict:
	"""The receivable figures and the points balance the form's dashboard shows (CUS-05, SALE-06, SALE-08), for
	the staff whom `api.sales_money.customer_receivable` and `api.loyalty.points_balance` answer; the receivable
	only for readers of Receivable Balance (not while Orders & Payments is switched off), the points only while
	points are switched on."""
	from crm_suite.permissions.roles import STAFF_ROLES
	from crm_suite.services import loyalty, receivables
	from crm_suite.services.modules import blocked_doctype

	if not set(STAFF_ROLES) & set(frappe.get_roles()):
		return {}
	figures = {}
	if frappe.has_permission("Receivable Balance", "read") and not blocked_doctype("Receivable Balance"):
		have = receivables.figures(receivables.CUSTOMER, customer)
		if have.receivable or have.collected:
			figures["receivable"] = {
				"balance": float(have.balance),
				"collected": float(have.collected - have.refunded),
			}
	if loyalty.loyalty_enabled():
		figures["points"] = loyalty.balance(customer)
	return figures


def collision_message(salesperson: str | None) -> str:
	"""SPEC POOL-10: tell the later adder who holds the company, and nothing else about it."""
	holder = frappe.utils.get_fullname(salesperson) if salesperson else _("the public pool")
	return _("A customer with the same registered name already exists and belongs to {0}.").format(holder)


REPORT_INDEX = [
	"salesperson",
	"creation",
	"lifecycle_state",
	"claimed_on",
	"last_contact_on",
	"sales_department",
	"customer_category",
	"customer_kind",
]


# a period's new customers by owner, state and source, from the index alone (RPT-01, RPT-03)
NEW_CUSTOMER_INDEX = ["creation", "salesperson", "lifecycle_state", "customer_source"]
NEW_CUSTOMER_INDEX_NAME = "new_customer_report_index"


def on_doctype_update():
	# Every index below is rewritten by each ownership move (claims, transfers, recycling 100k rows a night),
	# so there are as few as the reads need, and no column that only rare admin filters use is indexed.
	# A salesperson's list sorts by modified; limits (POOL-03) count a salesperson's rows by state from the
	# same index without touching the rows.
	frappe.db.add_index("Customer Account", ["salesperson", "modified", "lifecycle_state"])
	# Link search (CUS-06) matches name prefixes: normalised name (name_key, indexed in its field), full
	# pinyin and pinyin initials.
	add_lasting_index("Customer Account", "name_pinyin")
	add_lasting_index("Customer Account", "name_initials")
	# The pool's list (state = Pool, newest first) walks Frappe's own `modified` index: pool rows are a
	# large share of all rows, so a page of them is found within the first few hundred entries.
	# Recycling (POOL-05) scans each pool's owned rows by claim date (every rule has claimed_on < cutoff),
	# the contact date checked from the index.
	frappe.db.add_index(
		"Customer Account",
		["customer_pool", "lifecycle_state", "claimed_on", "last_contact_on"],
		"pool_state_claimed_index",
	)
	# The Decision Centre's per-salesperson reports read this index alone (one index: it is rewritten by every
	# ownership move anyway, as salesperson leads it): the customer reports (RPT-01, 03, 06) count a period's
	# new customers per salesperson (creation, state); Resource Warning (POOL-11) each salesperson's customers
	# per state and the never-contacted ones (claimed_on, last_contact_on, sales_department); Customer
	# Stickiness (RPT-11) the customers per category or kind (issue 17). It replaces `salesperson_creation`,
	# its first three columns.
	frappe.db.add_index("Customer Account", REPORT_INDEX, "salesperson_report")
	drop_index("Customer Account", "salesperson_creation")
	# The reminder engine (FUP-04) finds the few customers marked to check / to mail / to contact, and the few
	# protected until a coming day (recycled once the protection ends). Neither column changes on moves.
	add_lasting_index("Customer Account", "pending_mark")
	add_lasting_index("Customer Account", "protected_until")
	# The customer reports (RPT-01, 03) read one period of new customers, not the whole table: a range of
	# creation. With the owner, state and source beside it the range is read from the index alone — a manager of
	# 200 counts a month's 43k new customers by source and state in tens of milliseconds where each person's
	# range of salesperson_report looked up every row (0.3–0.5 s at 1M; decision_centre/reporting.py picks it
	# for wide scopes). It replaces `creation_index`, its first column; ownership moves now rewrite it too.
	frappe.db.add_index("Customer Account", NEW_CUSTOMER_INDEX, NEW_CUSTOMER_INDEX_NAME)
	drop_index("Customer Account", "creation_index")
	# deals of a period per salesperson (RPT-03, 06): a range of deal_on with the owner beside it, read from the
	# index alone — a manager's month of 3k deal customers looked up row by row took ~70 ms at 1M. It replaces
	# `deal_on_index` (deal_on, name), which moves never changed; now they rewrite it too.
	frappe.db.add_index("Customer Account", ["deal_on", "salesperson"], "deal_report_index")
	drop_index("Customer Account", "deal_on_index")
