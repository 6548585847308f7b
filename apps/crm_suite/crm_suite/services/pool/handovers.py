"""An owner's records leaving their hands (SPEC POOL-06..08): abandoned to the pool with a reason, transferred
to a colleague once approved, marked invalid once approved."""

import frappe
from frappe import _

from crm_suite.services.pool.errors import CustomerLocked, NotOwner, ReasonRequired
from crm_suite.services.pool.kinds import CUSTOMER, kind_of
from crm_suite.services.pool.limits import check_owned_limit
from crm_suite.services.pool.locks import lock_rows, lock_user
from crm_suite.services.pool.membership import manages
from crm_suite.services.pool.moves import by_owner, move_to_invalid, move_to_pool, move_to_user, notify


def abandon(names: list[str], reason: str, doctype: str = "Customer Account"):
	"""The owner returns rows to their pool with a reason, singly or in bulk (POOL-06)."""
	kind = kind_of(doctype)
	if not (reason or "").strip():
		frappe.throw(_("Please give a reason for abandoning."), ReasonRequired, title=_("Reason Required"))
	actor = frappe.session.user
	rows = lock_rows(kind, names)
	for row in rows:
		if row.salesperson != actor and not (row.salesperson and manages(actor, row.salesperson)):
			frappe.throw(_("{0} is not yours to abandon.").format(row.name), NotOwner, title=_("Not Allowed"))
		if row.locked:
			frappe.throw(_("{0} is locked.").format(row.name), CustomerLocked, title=_("Locked"))
	move_to_pool(kind, rows, "Abandon", reason)
	notify(by_owner(rows), "{0} were returned to the pool.", kind)
	return [r.name for r in rows]


def transfer(name: str, to_user: str, expected_from: str | None = None, reason: str | None = None):
	"""Move an owned customer to another salesperson (POOL-07); called when a transfer is approved."""
	kind = CUSTOMER
	lock_user(to_user)
	(row,) = lock_rows(kind, [name])
	if not row.salesperson or (expected_from and row.salesperson != expected_from):
		frappe.throw(_("{0} changed owner since the request was made.").format(name), NotOwner)
	if row.locked:
		frappe.throw(_("{0} is locked.").format(name), CustomerLocked, title=_("Locked"))
	check_owned_limit(kind, to_user, row.customer_pool, 1)
	move_to_user(kind, [row], to_user, "Transfer", reason, keep_state=True)
	notify({to_user: 1}, "{0} were transferred to you.", kind, name)
	notify({row.salesperson: 1}, "{0} were transferred away from you.", kind, name)


def mark_invalid(name: str, reason: str | None = None, expected_owner: str | None = None):
	"""An approved invalid-customer application (POOL-08): no owner, state Invalid, logged. The owner is
	checked again under the row lock: an application made by a former owner approves nothing."""
	kind = CUSTOMER
	(row,) = lock_rows(kind, [name])
	if expected_owner and row.salesperson != expected_owner:
		frappe.throw(
			_("{0} changed owner since the application was made.").format(name),
			NotOwner,
			title=_("Not Allowed"),
		)
	if row.locked:
		frappe.throw(_("{0} is locked.").format(name), CustomerLocked, title=_("Locked"))
	move_to_invalid(kind, [row], reason)
	notify({row.salesperson: 1}, "{0} were marked invalid.", kind, name)
