"""Service endpoints (SPEC SVC-02, SVC-03): a complaint's handling steps, a request's dispatch."""

import frappe

from crm_suite.permissions.roles import STAFF_ROLES, require_roles
from crm_suite.services import complaints, field_service


@frappe.whitelist(methods=["POST"])
def add_complaint_step(complaint: str, note: str, action: str | None = None) -> dict:
	"""Append a step (who / when / what) to a complaint's handling record; the record is never edited."""
	require_roles(*STAFF_ROLES)
	return complaints.add_step(complaint, note, action)


@frappe.whitelist(methods=["POST"])
def dispatch_service_request(
	service_request: str, engineer: str, scheduled_start: str, scheduled_end: str | None = None
) -> str:
	"""A manager dispatches a service request to an engineer: the new work order's name."""
	return field_service.dispatch(service_request, engineer, scheduled_start, scheduled_end)
