"""Row scope (SPEC ORG-03) of visit plans (SPEC FUP-03): like follow-ups, by their salesperson — own, a
manager's department subtree, admins all (shared plans are added by Frappe's sharing). One criterion gives
the list condition, has_permission, the calendar's events and the reports (permissions/rows.py)."""

from crm_suite.permissions.rows import document_permission, list_condition, scope


@scope("Visit Plan")
def visit_plan_scope_criterion(user: str, users: list[str], table, ptype: str):
	return table.salesperson.isin(users)


visit_plan_query_conditions = list_condition(visit_plan_scope_criterion)
visit_plan_has_permission = document_permission(visit_plan_scope_criterion)
