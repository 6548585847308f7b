"""How every pool operation serialises (SPEC POOL-02, POOL-03): the acting user's row is locked first (one
person's claims queue up, so counting and claiming are one decision), then the records' rows in name order
(`SELECT … FOR UPDATE`); a transaction InnoDB picks as a deadlock victim is run again whole."""

import functools
import random
import time

import frappe
from frappe import _

from crm_suite.services.pool.errors import NotOwner
from crm_suite.services.pool.kinds import Pooled
from crm_suite.services.pool.membership import manages

DEADLOCK_ATTEMPTS = 4
# what the operations decide on: a row's owner, pool, state, marks and who released it last
LOCKED_COLUMNS = (
	"name",
	"salesperson",
	"customer_pool",
	"lifecycle_state",
	"protected_until",
	"locked",
	"last_released_by",
	"last_released_on",
)


def retry_on_deadlock(fn):
	"""Run a whole-transaction operation again when InnoDB picks it as a deadlock victim.

	Claims lock the claimer, then rows by name; the recycle job locks index ranges of overdue rows: under
	load the two can wait on each other, and InnoDB then rolls one back. The victim's transaction is
	undone whole (nothing half-written), so the operation is simply run again after a short, jittered
	pause, re-checking every limit; after the last attempt the error reaches the caller.
	"""

	@functools.wraps(fn)
	def wrapper(*args, **kwargs):
		for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
			try:
				return fn(*args, **kwargs)
			except frappe.QueryDeadlockError:
				frappe.db.rollback()
				if attempt == DEADLOCK_ATTEMPTS:
					raise
				time.sleep(random.uniform(0.02, 0.1) * attempt)

	return wrapper


def lock_user(user: str):
	user_table = frappe.qb.DocType("User")
	frappe.qb.from_(user_table).select(user_table.name).where(user_table.name == user).for_update().run()


def lock_rows(kind: Pooled, names: list[str]) -> list[frappe._dict]:
	"""The rows' ownership fields, locked in name order; a 404 naming any that do not exist."""
	if not names:
		return []
	t = frappe.qb.DocType(kind.doctype)
	rows = (
		frappe.qb.from_(t)
		.select(*(getattr(t, column) for column in LOCKED_COLUMNS))
		.where(t.name.isin(sorted(set(names))))
		.orderby(t.name)
		.for_update()
		.run(as_dict=True)
	)
	found = {r.name for r in rows}
	missing = sorted(set(names) - found)
	if missing:
		frappe.throw(
			_("{0} not found: {1}").format(_(kind.doctype), ", ".join(missing)), frappe.DoesNotExistError
		)
	return rows


def lock_owned_rows(kind: Pooled, names: list[str]) -> list[frappe._dict]:
	"""`lock_rows`, refused unless every row is the acting user's or a subordinate's."""
	actor = frappe.session.user
	rows = lock_rows(kind, names)
	for row in rows:
		if row.salesperson != actor and not (row.salesperson and manages(actor, row.salesperson)):
			frappe.throw(_("{0} is not yours.").format(row.name), NotOwner, title=_("Not Allowed"))
	return rows
