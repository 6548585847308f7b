"""Follow-up endpoints (SPEC FUP-03): the visit plans' Calendar view."""

import frappe
from frappe import _

from crm_suite.permissions.roles import STAFF_ROLES, require_roles
from crm_suite.services.inputs import parse_date, parse_filters
from crm_suite.services.visit_plan import calendar_events


@frappe.whitelist(methods=["GET"])
def visit_plan_events(start: str, end: str, filters: str | list | dict | None = None) -> list[dict]:
	"""Calendar events of the visit plans between two days, within the user's row scope."""
	require_roles(*STAFF_ROLES)
	if not (parse_date(start) and parse_date(end)):
		frappe.throw(_("Invalid {0}.").format(_("date")), frappe.ValidationError, title=_("Invalid Input"))
	return calendar_events(start, end, parse_filters(filters))
