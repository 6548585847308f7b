"""Endpoints of contracts and payments (SPEC SALE-05, SALE-06): the customer form's receivable indicator (CUS-05)."""

import frappe
from frappe import _

from crm_suite.permissions.roles import STAFF_ROLES, require_roles
from crm_suite.services import receivables, rollup_jobs


@frappe.whitelist(methods=["GET"])
def customer_receivable(customer: str) -> dict:
	"""The customer's receivable figures (one primary-key read), for users who may read the customer."""
	require_roles(*STAFF_ROLES)
	if not customer or not isinstance(customer, str) or not frappe.db.exists("Customer Account", customer):
		frappe.throw(
			_("{0} {1} not found").format(_("Customer Account"), customer or ""), frappe.DoesNotExistError
		)
	frappe.has_permission("Customer Account", "read", customer, throw=True)
	have = receivables.figures(receivables.CUSTOMER, customer)
	return {
		"receivable": float(have.receivable),
		"collected": float(have.collected),
		"refunded": float(have.refunded),
		"balance": float(have.balance),
	}


@frappe.whitelist(methods=["POST"])
def rebuild_collection_rollup(restart: bool = False) -> dict:
	"""Queue a rebuild of the collection rollup from the receivable ledger (RPT-08), for CRM Admins: one job at
	a time, resuming after the months a killed run committed unless `restart`."""
	return rollup_jobs.queue_rebuild("crm_suite.services.collection_rollup.rebuild", restart)
