# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.permissions.call_center import clear_line_cache

DEVICE_ROLE = "Caller ID Device"


class DeviceUserHasOtherRoles(frappe.ValidationError):
	pass


class PhoneLine(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_suite.call_center.doctype.phone_line_user.phone_line_user import PhoneLineUser

		device_user: DF.Link | None
		enabled: DF.Check
		last_seen_on: DF.Datetime | None
		line_id: DF.Data
		line_name: DF.Data | None
		local_area_code: DF.Data | None
		outside_line_prefix: DF.Data | None
		users: DF.Table[PhoneLineUser]

	# end: auto-generated types
	def validate(self):
		self.remove_duplicate_users()
		self.validate_device_user()

	def on_update(self):
		clear_line_cache()

	def on_trash(self):
		clear_line_cache()

	def remove_duplicate_users(self):
		seen = set()
		for row in list(self.users):
			if row.user in seen:
				self.remove(row)
			seen.add(row.user)

	def validate_device_user(self):
		"""The bridge's user holds the device role and nothing that opens data or the Desk."""
		if not self.device_user:
			return
		roles = set(frappe.get_roles(self.device_user)) - {"All", "Guest"}
		if roles != {DEVICE_ROLE}:
			frappe.throw(
				_("The device user must hold only the {0} role; {1} holds: {2}").format(
					_(DEVICE_ROLE), self.device_user, ", ".join(sorted(_(r) for r in roles)) or "-"
				),
				exc=DeviceUserHasOtherRoles,
				title=_("Device User"),
			)
