"""Endpoints of quotations and orders (SPEC SALE-04): the Desk's "Create Order" and "Deliver" buttons
(frappe.model.open_mapped_doc) and REST clients get an unsaved document to review and save."""

import frappe
from frappe import _

from crm_suite.permissions.roles import STAFF_ROLES, require_roles
from crm_suite.services import sales_orders


def _source(doctype: str, name: str) -> str:
	if not name or not isinstance(name, str) or not frappe.db.exists(doctype, name):
		frappe.throw(_("{0} {1} not found").format(_(doctype), name or ""), frappe.DoesNotExistError)
	return name


@frappe.whitelist()
def make_customer_order(source_name: str):
	"""A new Customer Order from a quoted (submitted) quotation (not saved)."""
	require_roles(*STAFF_ROLES)
	return sales_orders.make_customer_order(_source("Sales Quotation", source_name))


@frappe.whitelist()
def make_order_delivery(source_name: str):
	"""A new Order Delivery of what is left to deliver on a confirmed order (not saved)."""
	require_roles(*STAFF_ROLES)
	return sales_orders.make_order_delivery(_source("Customer Order", source_name))
