"""Row scope (SPEC ORG-03) of the service module: inquiries (SVC-01), complaints, service requests, work orders
and service contracts (SVC-02, SVC-03).

Inquiries follow the salesperson handling them — own, a manager's department subtree, admins all — plus those
shared with the user. Knowledge categories and articles (SVC-04) are the whole team's: role permissions only.

A salesperson sees the ones of customers they own and those they are the salesperson of; a manager
those of the department subtree; admins all. A complaint is also seen by its responsible person (and so by
their manager). An engineer (CRM Service Engineer, outside the sales organisation) sees only the work
orders dispatched to them — not drafts, and nothing else. One criterion per doctype gives both the list
condition and the per-document check (permissions/rows.py).
"""

import frappe
from frappe.query_builder import Criterion

from crm_suite.permissions.customer import SHARE_RIGHT
from crm_suite.permissions.marketing import shared_names
from crm_suite.permissions.rows import document_permission, list_condition, scope

ENGINEER_ROLE = "CRM Service Engineer"
# a work order reaches its engineer once dispatched
ENGINEER_VISIBLE_STATES = ("Dispatched", "In Progress", "Completed")


# Up to this many customers of the user's salespeople are inlined into the criterion as a list
INLINE_CUSTOMERS = 1000


def _customer_criterion(users, table):
	"""Rows of customers the users own. Inlined as a list (or left out when there are none), so that MariaDB
	can merge the indexes of `salesperson IN … OR customer IN …` instead of scanning the table for an
	IN-subquery under an OR; a manager of a large subtree gets the subquery."""
	customer = frappe.qb.DocType("Customer Account")
	owned = frappe.qb.from_(customer).select(customer.name).where(customer.salesperson.isin(users))
	names = owned.limit(INLINE_CUSTOMERS + 1).run(pluck=True)
	if not names:
		return None
	return table.customer.isin(names if len(names) <= INLINE_CUSTOMERS else owned)


def _of_customer_or_salesperson(users, table, *more):
	"""The customer's rows and the salesperson's (no `owner` clause: a maker is the salesperson or sees the
	customer, and an unindexed owner under the OR would cost a full scan)."""
	parts = [table.salesperson.isin(users), _customer_criterion(users, table), *more]
	return Criterion.any([part for part in parts if part is not None])


@scope("Customer Complaint")
def complaint_scope(user: str, users: list[str], table, ptype: str):
	return _of_customer_or_salesperson(users, table, table.responsible_person.isin(users))


@scope("Service Request")
def request_scope(user: str, users: list[str], table, ptype: str):
	return _of_customer_or_salesperson(users, table)


@scope("Service Work Order")
def work_order_scope(user: str, users: list[str], table, ptype: str):
	dispatched_to_me = (table.engineer == user) & table.workflow_state.isin(ENGINEER_VISIBLE_STATES)
	return _of_customer_or_salesperson(users, table, dispatched_to_me)


@scope("Service Contract")
def contract_scope(user: str, users: list[str], table, ptype: str):
	return _of_customer_or_salesperson(users, table)


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
