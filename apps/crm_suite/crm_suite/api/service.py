"""Service endpoints: an inquiry's conversion to an opportunity and knowledge search (SPEC SVC-01, SVC-04); a
complaint's handling steps and a service request's dispatch (SVC-02, SVC-03)."""

import frappe

from crm_suite.permissions.roles import STAFF_ROLES, require_roles
from crm_suite.services import complaints, field_service, knowledge_import, service_desk
from crm_suite.services.inputs import _invalid
from crm_suite.services.pool.locks import retry_on_deadlock


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def convert_inquiry(inquiry: str | None = None) -> dict:
	"""The inquiry becomes an opportunity of its customer; idempotent (the second call returns the first
	call's opportunity with `created: false`)."""
	require_roles(*STAFF_ROLES)
	if not isinstance(inquiry, str) or not inquiry:
		_invalid("inquiry")
	return service_desk.convert_to_opportunity(inquiry)


@frappe.whitelist(methods=["GET"])
def search_knowledge(text: str | None = None, category: str | None = None, limit: int = 20) -> list[dict]:
	"""Published knowledge articles matching `text` (title, keywords, content, pinyin of the title)."""
	require_roles(*STAFF_ROLES)
	if text is not None and not isinstance(text, str):
		_invalid("text")
	if category is not None and not isinstance(category, str):
		_invalid("category")
	frappe.has_permission(service_desk.ARTICLE, "read", throw=True)
	return service_desk.search_articles(text or "", category or None, limit)


@frappe.whitelist(methods=["POST"])
def import_knowledge(file_url: str | None = None) -> dict:
	"""Articles from an uploaded .xlsx (headers 标题/Title, 分类/Category, 内容/Answer / Content, optional
	关键词/Keywords, 问题/Question): all rows or none; per-row errors returned."""
	require_roles("CRM Manager", "CRM Admin", "System Manager")
	if not isinstance(file_url, str) or not file_url:
		_invalid("file")
	return knowledge_import.import_articles(file_url)


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
