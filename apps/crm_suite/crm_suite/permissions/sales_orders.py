"""Row scope (SPEC ORG-03) of quotations, sales orders and their deliveries (SALE-04): a salesperson sees the
ones they are the salesperson of or made, and those of customers they own; a manager those of the
department subtree's salespeople and customers; admins all. One criterion per doctype gives both the list
condition and the per-document check (permissions/rows.py)."""

import frappe

from crm_suite.permissions.rows import document_permission, list_condition, scope

SELLING_DOCTYPES = ("Sales Quotation", "Customer Order", "Order Delivery")


def _selling_scope(doctype: str):
	@scope(doctype)
	def criterion(user: str, users: list[str], table, ptype: str):
		customer = frappe.qb.DocType("Customer Account")
		customers_of_users = (
			frappe.qb.from_(customer).select(customer.name).where(customer.salesperson.isin(users))
		)
		return table.salesperson.isin(users) | (table.owner == user) | table.customer.isin(customers_of_users)

	return criterion


SELLING_SCOPES = {doctype: _selling_scope(doctype) for doctype in SELLING_DOCTYPES}
quotation_query_conditions = list_condition(SELLING_SCOPES["Sales Quotation"])
order_query_conditions = list_condition(SELLING_SCOPES["Customer Order"])
delivery_query_conditions = list_condition(SELLING_SCOPES["Order Delivery"])
selling_has_permission = document_permission(SELLING_SCOPES)
