"""Whitelisted endpoints of the public sea and lead pools (SPEC POOL-02..09, POOL-12): thin wrappers
over services/pool/, which decides, locks and logs."""

import frappe

from crm_suite.permissions.roles import ADMIN_ROLES, STAFF_ROLES, require_roles
from crm_suite.services import lead as lead_service
from crm_suite.services import recycle
from crm_suite.services.inputs import parse_date, parse_names
from crm_suite.services.pool import claims, distribution, handovers, marks, sharing
from crm_suite.services.pool.errors import PoolOperationError
from crm_suite.services.pool.kinds import kind_of
from crm_suite.services.pool.locks import retry_on_deadlock

POOL_ROLES = STAFF_ROLES


def _names(names: str | list) -> list[str]:
	names = parse_names(names)
	if not names:
		frappe.throw(frappe._("Select at least one record."), PoolOperationError)
	return names


def _guard():
	require_roles(*POOL_ROLES)


def _apply(doctype: str, **values) -> str:
	"""An application (claim, transfer, invalid) made as the user, with the user's permissions; its
	workflow decides it."""
	doc = frappe.get_doc({"doctype": doctype, **values})
	doc.insert()
	return doc.name


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def claim(names: str | list, doctype: str = "Customer Account") -> list:
	_guard()
	return claims.claim(_names(names), doctype)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def random_claim(pool_name: str, count: int, doctype: str = "Customer Account") -> list:
	_guard()
	return claims.random_claim(pool_name, int(count), doctype)


@frappe.whitelist(methods=["POST"])
def apply_to_claim(customer: str, reason: str | None = None) -> str:
	_guard()
	return _apply("Claim Application", customer=customer, reason=reason)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def assign(
	names: str | list, to_user: str, doctype: str = "Customer Account", reason: str | None = None
) -> list:
	_guard()
	return distribution.assign(_names(names), to_user, doctype, reason)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def take_back(names: str | list, doctype: str = "Customer Account", reason: str | None = None) -> list:
	_guard()
	return distribution.take_back(_names(names), doctype, reason)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def abandon(names: str | list, reason: str, doctype: str = "Customer Account") -> list:
	_guard()
	return handovers.abandon(_names(names), reason, doctype)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def push(
	pool_name: str, names: str | list | None = None, count: int = 0, doctype: str = "Customer Account"
) -> dict:
	_guard()
	return distribution.push(pool_name, _names(names) if names else None, int(count or 0), doctype)


@frappe.whitelist(methods=["POST"])
def request_transfer(customer: str, to_salesperson: str, reason: str | None = None) -> str:
	_guard()
	return _apply(
		"Customer Transfer Request", customer=customer, to_salesperson=to_salesperson, reason=reason
	)


@frappe.whitelist(methods=["POST"])
def apply_invalid(customer: str, reason: str) -> str:
	_guard()
	return _apply("Invalid Customer Application", customer=customer, reason=reason)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def shelve(names: str | list, doctype: str = "Customer Account", undo: bool = False) -> list:
	_guard()
	action = marks.unshelve if frappe.utils.cint(undo) else marks.shelve
	return action(_names(names), doctype)


@frappe.whitelist(methods=["POST"])
def share(customer: str, users: str | list, write: bool = False) -> list:
	_guard()
	return sharing.share(customer, _names(users), bool(frappe.utils.cint(write)))


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def protect(names: str | list, doctype: str = "Customer Account", on: bool = True) -> list:
	_guard()
	return marks.protect(_names(names), doctype, bool(frappe.utils.cint(on)))


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def lock(names: str | list, doctype: str = "Customer Account", on: bool = True) -> list:
	_guard()
	return marks.lock(_names(names), doctype, bool(frappe.utils.cint(on)))


@frappe.whitelist(methods=["POST"])
def convert_lead(lead: str) -> dict:
	_guard()
	return lead_service.convert_lead(lead)


@frappe.whitelist()
def recycle_preview(
	on_date: str | None = None, pool_name: str | None = None, doctype: str = "Customer Account"
) -> list:
	_guard()
	from crm_suite.permissions.customer import customer_scope_criterion
	from crm_suite.permissions.pool import lead_scope_criterion

	kind_of(doctype)
	scope = customer_scope_criterion() if doctype == "Customer Account" else lead_scope_criterion()
	return recycle.preview(doctype, parse_date(on_date), pool_name, scope=scope, limit=500)


@frappe.whitelist(methods=["POST"])
def recycle_now() -> str:
	"""Run the daily recycling now (SPEC POOL-05), e.g. after an admin changed the rules: queued on the
	long queue, once; the admin is notified when it is done."""
	require_roles(*ADMIN_ROLES, message=frappe._("Only CRM admins can start recycling."))
	job = frappe.enqueue(
		"crm_suite.services.recycle.run.run_now",
		queue="long",
		timeout=3600,
		job_id="crm_suite_recycle_now",
		deduplicate=True,
		user=frappe.session.user,
	)
	if job is None:
		return frappe._("Recycling is already queued or running.")
	return frappe._("Recycling has started. You will be notified when it is done.")
