"""Row scope (SPEC ORG-03) for the pool issue's doctypes: leads like customers (own, subordinates',
the pool), follow-ups (and their rollup) by their salesperson, applications by their applicant / from-salesperson or the
user who made them. One criterion per doctype gives both the list condition and the per-document check
(permissions/rows.py)."""

from frappe.query_builder import Criterion

from crm_suite.permissions.rows import READ_PTYPES, document_permission, list_condition, scope

POOL_STATE = "Pool"


@scope("Sales Lead")
def lead_scope_criterion(user: str, users: list[str], table, ptype: str):
	"""Own and subordinates' leads; pool leads to look at only."""
	parts = [table.salesperson.isin(users)]
	if ptype in READ_PTYPES:
		parts.append(table.lifecycle_state == POOL_STATE)
	return Criterion.any(parts)


@scope("Follow Up Record")
def follow_up_scope_criterion(user: str, users: list[str], table, ptype: str):
	return table.salesperson.isin(users)


@scope("Follow Up Daily Rollup")
def follow_up_rollup_scope(user: str, users: list[str], table, ptype: str):
	"""The follow-up rollup (RPT-02) by its salesperson, as the follow-ups it counts."""
	return table.salesperson.isin(users)


# Applications: the field naming the salesperson they are about, besides their maker (owner).
APPLICATION_FIELD = {
	"Claim Application": "applicant",
	"Invalid Customer Application": "applicant",
	"Customer Transfer Request": "from_salesperson",
}


def _application_scope(doctype: str):
	@scope(doctype)
	def criterion(user: str, users: list[str], table, ptype: str):
		return table[APPLICATION_FIELD[doctype]].isin(users) | (table.owner == user)

	return criterion


APPLICATION_SCOPES = {doctype: _application_scope(doctype) for doctype in APPLICATION_FIELD}

lead_query_conditions = list_condition(lead_scope_criterion)
lead_has_permission = document_permission(lead_scope_criterion)
follow_up_query_conditions = list_condition(follow_up_scope_criterion)
follow_up_has_permission = document_permission(follow_up_scope_criterion)
follow_up_rollup_query_conditions = list_condition(follow_up_rollup_scope)
follow_up_rollup_has_permission = document_permission(follow_up_rollup_scope)
claim_application_query_conditions = list_condition(APPLICATION_SCOPES["Claim Application"])
invalid_application_query_conditions = list_condition(APPLICATION_SCOPES["Invalid Customer Application"])
transfer_request_query_conditions = list_condition(APPLICATION_SCOPES["Customer Transfer Request"])
application_has_permission = document_permission(APPLICATION_SCOPES)
