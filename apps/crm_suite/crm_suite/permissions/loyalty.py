"""Row scope (SPEC ORG-03) of loyalty points (SALE-08) and sales expenses (SALE-11): a salesperson sees the
points, redemptions and expenses of the customers they own (and what they made or are the salesperson of); a
manager those of the department subtree; admins all. One criterion per doctype gives both the list condition
and the per-document check (permissions/rows.py)."""

import frappe

from crm_suite.permissions.rows import document_permission, list_condition, scope


def _customers_of(users):
	customer = frappe.qb.DocType("Customer Account")
	return frappe.qb.from_(customer).select(customer.name).where(customer.salesperson.isin(users))


@scope("Customer Points Entry")
def points_entry_scope(user: str, users: list[str], table, ptype: str):
	return table.customer.isin(_customers_of(users))


@scope("Customer Points Balance")
def points_balance_scope(user: str, users: list[str], table, ptype: str):
	return table.customer.isin(_customers_of(users))


@scope("Gift Redemption")
def redemption_scope(user: str, users: list[str], table, ptype: str):
	return table.salesperson.isin(users) | (table.owner == user) | table.customer.isin(_customers_of(users))


@scope("Points Edit Log")
def edit_log_scope(user: str, users: list[str], table, ptype: str):
	return table.edited_by.isin(users) | table.customer_account.isin(_customers_of(users))


@scope("Sales Expense")
def expense_scope(user: str, users: list[str], table, ptype: str):
	return table.salesperson.isin(users) | (table.owner == user) | table.customer.isin(_customers_of(users))


LOYALTY_SCOPES = {
	"Customer Points Entry": points_entry_scope,
	"Customer Points Balance": points_balance_scope,
	"Gift Redemption": redemption_scope,
	"Points Edit Log": edit_log_scope,
	"Sales Expense": expense_scope,
}
points_entry_query_conditions = list_condition(points_entry_scope)
points_balance_query_conditions = list_condition(points_balance_scope)
redemption_query_conditions = list_condition(redemption_scope)
edit_log_query_conditions = list_condition(edit_log_scope)
expense_query_conditions = list_condition(expense_scope)
loyalty_has_permission = document_permission(LOYALTY_SCOPES)
