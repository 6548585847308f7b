"""Reminder endpoints (SPEC FUP-04): snooze a reminder until a day, or mark it done — the reminded user only."""

import frappe
from frappe import _

from crm_suite.permissions.roles import STAFF_ROLES, require_roles
from crm_suite.services import reminders
from crm_suite.services.inputs import parse_date


def _name(name) -> str:
	if not isinstance(name, str) or not name.strip() or len(name) > 140:
		frappe.throw(
			_("Invalid {0}.").format(_("reminder")), reminders.ReminderInputInvalid, title=_("Invalid Input")
		)
	return name.strip()


@frappe.whitelist(methods=["POST"])
def snooze(name: str, until: str) -> dict:
	"""Hide one of your reminders until `until` (a later day); it comes back, and is delivered again, then."""
	require_roles(*STAFF_ROLES)
	day = parse_date(until) if isinstance(until, str) else None
	if not day:
		frappe.throw(
			_("Invalid {0}.").format(_("date")), reminders.ReminderInputInvalid, title=_("Invalid Input")
		)
	return reminders.snooze(_name(name), day)


@frappe.whitelist(methods=["POST"])
def mark_done(name: str) -> dict:
	"""Mark one of your reminders done (its ToDo, if any, is closed with it)."""
	require_roles(*STAFF_ROLES)
	return reminders.mark_done(_name(name))
