"""Follow-up records (SPEC FUP-01, FUP-02): last-contact bookkeeping, templates, supervisor comments."""

import frappe
from frappe.query_builder import CustomFunction
from frappe.query_builder.functions import Coalesce
from frappe.utils import add_days, get_datetime

from crm_suite.services import holding_rollup
from crm_suite.services.notify import notify_users

Greatest = CustomFunction("GREATEST", ["a", "b"])


def touch_last_contact(doctype: str, name: str, followed_on):
	"""Move the record's last contact forward (never back); a Pending customer is now being followed."""
	t = frappe.qb.DocType(doctype)
	at = get_datetime(followed_on)
	update = frappe.qb.update(t).set(t.last_contact_on, Greatest(Coalesce(t.last_contact_on, at), at))
	if doctype != holding_rollup.SOURCE:
		update.where(t.name == name).run()
		return
	with holding_rollup.moving([name]):  # contacted now: counted as such (POOL-11)
		update.where(t.name == name).run()


def apply_template(doc):
	"""Prefill content, next step and next date from the chosen entry template (only what is empty)."""
	if not doc.template:
		return
	template = frappe.get_cached_value(
		"Follow Up Template",
		doc.template,
		["method", "content", "next_step", "next_contact_days"],
		as_dict=True,
	)
	if not template:
		return
	doc.method = doc.method or template.method
	doc.content = doc.content or template.content
	doc.next_step = doc.next_step or template.next_step
	if not doc.next_contact_on and template.next_contact_days:
		doc.next_contact_on = add_days(get_datetime(doc.followed_on).date(), template.next_contact_days)


def notify_comment(doc, method=None):
	"""A supervisor's comment (批注) on a follow-up notifies the record's salesperson (SPEC FUP-02)."""
	if doc.reference_doctype != "Follow Up Record" or doc.comment_type != "Comment":
		return
	owner = frappe.db.get_value("Follow Up Record", doc.reference_name, "salesperson")
	if owner and owner != doc.owner:
		notify_users(
			{owner: 1}, "Your follow-up received a comment ({0}).", "Follow Up Record", doc.reference_name
		)
