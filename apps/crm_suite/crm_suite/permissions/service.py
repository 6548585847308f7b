"""Row scope (SPEC ORG-03) of the service module: inquiries (SVC-01), complaints, service requests, work orders
and service contracts (SVC-02, SVC-03).

Inquiries follow the salesperson handling them — own, a manager's department subtree, admins all — plus those
shared with the user. Knowledge categories and articles (SVC-04) are the whole team's: role permissions only.

A complaint, service request, work order or service contract carries its customer's salesperson: copied when
the customer is set and moved with the customer when the customer goes to another salesperson
(services/customer_followers.py, set-based, in the move's transaction). So "the ones of customers they own"
is the indexed `salesperson` column itself, never a list or a subquery of customers: a salesperson sees the
rows whose salesperson they are, a manager those of the department subtree, admins all. A complaint is also
seen by its responsible person (and so by their manager). An engineer (CRM Service Engineer, outside the sales
organisation) sees only the work orders dispatched to them — not drafts, and nothing else: the order's
`dispatched_to` (the engineer while Dispatched, In Progress or Completed). One criterion per doctype gives
both the list condition and the per-document check (permissions/rows.py).

Each part is an IN on a column indexed together with `modified`, so a list's page of 20 by `modified` and
its count read only the user's rows. For reading, a part whose rows the other parts match anyway is left out
(`any_part`), so a criterion with a single part left — an engineer's orders, a salesperson's requests, the
complaints of a salesperson who handles their own — is read in the index's order, with no sort: the page
reads 20 rows and the capped count 1001 index entries. Where two parts are both needed (a salesperson also
responsible for a colleague's complaints), MariaDB merges the two indexes' ranges of the user's rows.
"""

import frappe
from frappe.query_builder import Criterion

from crm_suite.permissions.customer import SHARE_RIGHT
from crm_suite.permissions.marketing import shared_names
from crm_suite.permissions.rows import READ_PTYPES, document_permission, list_condition, scope

ENGINEER_ROLE = "CRM Service Engineer"
# a work order reaches its engineer once dispatched
ENGINEER_VISIBLE_STATES = ("Dispatched", "In Progress", "Completed")


# Parts are probed for users who see up to this many salespeople: a probe's NOT IN makes (n + 1) ranges per
# value of its column, cheap for a salesperson or a team's manager, not for the head of a large subtree.
PROBE_UP_TO = 50


def any_part(table, parts: list[tuple], ptype: str):
	"""The rows where any part `(column, values)` holds: `column IN values`.

	For reading, a part is left out when every row it matches is matched by the other parts too (one probe
	each, on an index over the two columns: `column IN values AND the others' columns are NULL or NOT IN
	theirs`). That changes no row read, and a criterion left with one part — an engineer's orders, a
	salesperson who handles their own customers' complaints — is read in its (column, modified) index's
	order: a page of 20 reads 20 rows, not all the user's rows merged from two indexes and sorted. A change is
	checked against every part: its new values may be the first row of a part."""
	criteria = [column.isin(values) for column, values in parts]
	if ptype not in READ_PTYPES or len(parts) < 2 or max(len(v) for _c, v in parts) > PROBE_UP_TO:
		return Criterion.any(criteria)
	needed = list(range(len(parts)))
	for i in range(len(parts)):
		others = [j for j in needed if j != i]
		if not others:
			break
		outside = Criterion.all(parts[j][0].isnull() | parts[j][0].notin(parts[j][1]) for j in others)
		if not frappe.qb.from_(table).select(table.name).where(criteria[i] & outside).limit(1).run():
			needed.remove(i)
	return Criterion.any(criteria[i] for i in needed)


def dispatched_to(engineer: str | None, workflow_state: str | None) -> str | None:
	"""The value of a work order's `dispatched_to`: its engineer once it reaches them."""
	return engineer if workflow_state in ENGINEER_VISIBLE_STATES else None


@scope("Customer Complaint")
def complaint_scope(user: str, users: list[str], table, ptype: str):
	return any_part(table, [(table.salesperson, users), (table.responsible_person, users)], ptype)


@scope("Service Request")
def request_scope(user: str, users: list[str], table, ptype: str):
	return table.salesperson.isin(users)


@scope("Service Work Order")
def work_order_scope(user: str, users: list[str], table, ptype: str):
	return any_part(table, [(table.salesperson, users), (table.dispatched_to, [user])], ptype)


@scope("Service Contract")
def contract_scope(user: str, users: list[str], table, ptype: str):
	return table.salesperson.isin(users)


SERVICE_SCOPES = {
	"Customer Complaint": complaint_scope,
	"Service Request": request_scope,
	"Service Work Order": work_order_scope,
	"Service Contract": contract_scope,
}
complaint_query_conditions = list_condition(complaint_scope)
request_query_conditions = list_condition(request_scope)
work_order_query_conditions = list_condition(work_order_scope)
contract_query_conditions = list_condition(contract_scope)
service_has_permission = document_permission(SERVICE_SCOPES)


# --- inquiries (SVC-01) ---

INQUIRY = "Service Inquiry"


@scope(INQUIRY)
def inquiry_scope_criterion(user: str, users: list[str], table, ptype: str):
	parts = [table.salesperson.isin(users)]
	if (right := SHARE_RIGHT.get(ptype)) and (shared := shared_names(INQUIRY, user, right)):
		parts.append(table.name.isin(shared))
	return Criterion.any(parts)


inquiry_query_conditions = list_condition(inquiry_scope_criterion)
inquiry_has_permission = document_permission(inquiry_scope_criterion)
