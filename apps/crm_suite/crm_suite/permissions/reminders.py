"""Row scope (SPEC ORG-03) of reminders (SPEC FUP-04): a user's own, a manager's department subtree, admins
all. Preferences: read like reminders, changed by their user only (admins anyone's)."""

from crm_suite.permissions.rows import READ_PTYPES, document_permission, list_condition, scope


@scope("Follow Up Reminder")
def reminder_scope_criterion(user: str, users: list[str], table, ptype: str):
	if ptype not in READ_PTYPES:
		return table.user == user
	return table.user.isin(users)


@scope("Reminder Preference")
def preference_scope_criterion(user: str, users: list[str], table, ptype: str):
	if ptype not in READ_PTYPES:
		return table.user == user
	return table.user.isin(users)


reminder_query_conditions = list_condition(reminder_scope_criterion)
reminder_has_permission = document_permission(reminder_scope_criterion)
preference_query_conditions = list_condition(preference_scope_criterion)
preference_has_permission = document_permission(preference_scope_criterion)
