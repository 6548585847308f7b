"""Fields a document save may not change (SPEC POOL-02..08): who owns a pooled record and in which pool and
state it is change only through the pool services (`services/pool/`), which lock, check the limits and log;
an application (claim, transfer, invalid) keeps what it was made for. Called from the controllers'
validate(), so REST and the form cannot bypass the rules."""

import frappe
from frappe import _
from frappe.utils import get_datetime

from crm_suite.permissions.scope import visible_users

# Fields only the pool services change; a document save that touches them is refused.
GUARDED_FIELDS = (
	"salesperson",
	"customer_pool",
	"lifecycle_state",
	"claimed_on",
	"protected_until",
	"locked",
	"last_released_by",
	"last_released_on",
)


class OwnershipFieldsProtected(frappe.PermissionError):
	pass


class ApplicationFieldsFixed(frappe.ValidationError):
	pass


def guard_ownership_fields(doc):
	"""Called from the pooled doctypes' validate(): ownership changes go through the pool services only
	(they set `doc.flags.pool_service` when they save a document themselves)."""
	if doc.flags.pool_service or frappe.flags.in_install or frappe.flags.in_migrate or frappe.flags.in_import:
		return
	if doc.is_new():
		user = frappe.session.user
		if doc.salesperson and doc.salesperson != user:
			users = visible_users(user)
			if users is not None and doc.salesperson not in users:
				frappe.throw(
					_("You cannot create records for {0}.").format(doc.salesperson), OwnershipFieldsProtected
				)
		return
	before = doc.get_doc_before_save()
	if not before:
		return
	changed = [
		f
		for f in GUARDED_FIELDS
		if doc.meta.has_field(f) and _comparable(doc, f, before.get(f)) != _comparable(doc, f, doc.get(f))
	]
	if changed:
		_refuse(
			doc,
			changed,
			_("Ownership fields change only through pool operations: {0}"),
			OwnershipFieldsProtected,
		)


def guard_application_fields(doc, fieldnames: tuple[str, ...]):
	"""Applications (claim, transfer, invalid) are decided on what was applied for: once made, the
	customer (and the transfer's target) never change, so an approval cannot approve something else."""
	if doc.is_new():
		return
	before = doc.get_doc_before_save()
	changed = [f for f in fieldnames if before and (before.get(f) or None) != (doc.get(f) or None)]
	if changed:
		_refuse(
			doc, changed, _("{0} cannot be changed once the application is made."), ApplicationFieldsFixed
		)


def _refuse(doc, changed: list[str], message: str, exc):
	"""`message` is translated, with {0} standing for the changed fields' labels."""
	labels = ", ".join(_(doc.meta.get_label(f)) for f in changed)
	frappe.throw(message.format(labels), exc, title=_("Not Allowed"))


def _comparable(doc, fieldname: str, value):
	fieldtype = doc.meta.get_field(fieldname).fieldtype
	if fieldtype == "Check":
		return frappe.utils.cint(value)
	if fieldtype == "Datetime":
		return get_datetime(value).replace(microsecond=0) if value else None
	return value or None
