"""In-app notifications in bulk: one Notification Log row per recipient, in the recipient's language,
and a realtime nudge to that user only (never a broadcast)."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from crm_suite.services.ownership import new_row_names


def notify_users(
	user_counts: dict[str, int], message: str, doctype: str, name: str | None = None, link: str | None = None
) -> int:
	"""`message` is an untranslated source text with {0} standing for the count of records."""
	user_counts = {u: n for u, n in user_counts.items() if u and n}
	if not user_counts:
		return 0
	users = frappe.qb.DocType("User")
	languages = dict(
		frappe.qb.from_(users)
		.select(users.name, users.language)
		.where(users.name.isin(list(user_counts)))
		.run()
	)
	default_language = frappe.db.get_default("lang") or "en"
	now, sender = now_datetime(), frappe.session.user
	table = frappe.qb.DocType("Notification Log")
	query = frappe.qb.into(table).columns(
		"name",
		"subject",
		"for_user",
		"type",
		"document_type",
		"document_name",
		"from_user",
		"read",
		"link",
		"owner",
		"modified_by",
		"creation",
		"modified",
	)
	for row_name, (user, count) in zip(
		new_row_names(len(user_counts)), sorted(user_counts.items()), strict=True
	):
		language = languages.get(user) or default_language
		subject = _(message, lang=language).format(count)
		query = query.insert(
			row_name, subject, user, "Alert", doctype, name, sender, 0, link, sender, sender, now, now
		)
	query.run()
	for user in user_counts:
		frappe.publish_realtime("notification", user=user, after_commit=True)
		frappe.publish_realtime(
			"crm_suite_pool", {"doctype": doctype, "name": name}, user=user, after_commit=True
		)
	return len(user_counts)
