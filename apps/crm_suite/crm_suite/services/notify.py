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
	return _notify(
		{u: (n,) for u, n in user_counts.items() if u and n}, message, doctype, name=name, link=link
	)


def notify_user(
	user: str, message: str, *args, doctype: str, name: str | None = None, link: str | None = None
):
	"""One notification; `message` is an untranslated source text with {0}, {1} … standing for `args`."""
	_notify({user: args}, message, doctype, name=name, link=link)


def _notify(user_args: dict[str, tuple], message: str, doctype: str, name=None, link=None) -> int:
	if not user_args:
		return 0
	users = frappe.qb.DocType("User")
	languages = dict(
		frappe.qb.from_(users)
		.select(users.name, users.language)
		.where(users.name.isin(list(user_args)))
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
	for row_name, (user, args) in zip(new_row_names(len(user_args)), sorted(user_args.items()), strict=True):
		language = languages.get(user) or default_language
		subject = _(message, lang=language).format(*args)
		query = query.insert(
			row_name, subject, user, "Alert", doctype, name, sender, 0, link, sender, sender, now, now
		)
	query.run()
	for user in user_args:
		frappe.publish_realtime("notification", user=user, after_commit=True)
		frappe.publish_realtime(
			"crm_suite_pool", {"doctype": doctype, "name": name}, user=user, after_commit=True
		)
	return len(user_args)
