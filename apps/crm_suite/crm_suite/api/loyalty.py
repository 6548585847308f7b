"""Endpoints of loyalty points (SPEC SALE-08): the rules' bulk setting (the rule list's "Set Rules in Bulk"
dialog) and a customer's points balance (the customer form)."""

import json

import frappe
from frappe import _

from crm_suite.permissions.roles import STAFF_ROLES, require_roles
from crm_suite.services import loyalty

RULE_EDITOR_ROLES = ("CRM Manager", "CRM Admin", "System Manager")


def _names(value) -> list[str]:
	if isinstance(value, str):
		try:
			value = json.loads(value) if value.strip().startswith("[") else [value]
		except ValueError:
			frappe.throw(_("Products must be a list of product names."), loyalty.InvalidPointsError)
	if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
		frappe.throw(_("Products must be a list of product names."), loyalty.InvalidPointsError)
	return value


@frappe.whitelist(methods=["POST"])
def set_rules_in_bulk(
	products: str | list | None = None,
	category: str | None = None,
	unit: str | None = None,
	customer_kind: str | None = None,
	basis: str = "Per Unit",
	rate: float | str = 0,
	enabled: int = 1,
):
	"""One rule for many products: the products named, and/or every product of a category (and its
	subcategories). The number of rules set."""
	require_roles(*RULE_EDITOR_ROLES)
	frappe.has_permission("Customer Points Rule", "create", throw=True)
	names = _names(products) if products else []
	if category:
		if not frappe.db.exists("Sales Product Category", category):
			frappe.throw(
				_("{0} {1} not found").format(_("Sales Product Category"), category), frappe.DoesNotExistError
			)
		lft, rgt = frappe.db.get_value("Sales Product Category", category, ["lft", "rgt"])
		categories = frappe.get_all(
			"Sales Product Category", filters={"lft": (">=", lft), "rgt": ("<=", rgt)}, pluck="name"
		)
		names += frappe.get_all("Sales Product", filters={"category": ("in", categories)}, pluck="name")
	return loyalty.set_rules_in_bulk(names, unit, customer_kind, basis, rate, enabled)


@frappe.whitelist()
def points_balance(customer: str):
	"""The customer's points balance, for users who may read the customer."""
	require_roles(*STAFF_ROLES)
	if not customer or not isinstance(customer, str) or not frappe.db.exists("Customer Account", customer):
		frappe.throw(
			_("{0} {1} not found").format(_("Customer Account"), customer or ""), frappe.DoesNotExistError
		)
	frappe.has_permission("Customer Account", "read", customer, throw=True)
	return {"points": loyalty.balance(customer), "enabled": loyalty.loyalty_enabled()}
