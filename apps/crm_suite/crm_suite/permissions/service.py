"""Row scope (SPEC ORG-03) of service inquiries (SVC-01): by the salesperson handling them — own, a
manager's department subtree, admins all — plus inquiries shared with the user. Knowledge categories and
articles (SVC-04) are the whole team's: no row scope, role permissions only. One criterion gives the list
condition and has_permission (permissions/rows.py)."""

from frappe.query_builder import Criterion

from crm_suite.permissions.customer import SHARE_RIGHT
from crm_suite.permissions.marketing import shared_names
from crm_suite.permissions.rows import document_permission, list_condition, scope

INQUIRY = "Service Inquiry"


@scope(INQUIRY)
def inquiry_scope_criterion(user: str, users: list[str], table, ptype: str):
	parts = [table.salesperson.isin(users)]
	if (right := SHARE_RIGHT.get(ptype)) and (shared := shared_names(INQUIRY, user, right)):
		parts.append(table.name.isin(shared))
	return Criterion.any(parts)


inquiry_query_conditions = list_condition(inquiry_scope_criterion)
inquiry_has_permission = document_permission(inquiry_scope_criterion)
