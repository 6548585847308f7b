"""In-app notifications (the bell) through Frappe's own Notification Log.

Each recipient gets one Notification Log document, its subject in the recipient's language. The rows are
inserted as documents, so everything Frappe ties to them works as for its own notifications: the user's
Notification Settings (notifications off → nothing is made; the e-mail copy of Alerts), the bell's unread
flag and its realtime refresh. A few notices are made at once; many (a recycling run's notice to every former
owner) go to a background job, after the caller's transaction commits — as Frappe's
`enqueue_create_notification` does. A realtime `crm_suite_pool` event tells the open lists to refresh.
"""

import frappe
from frappe import _

# Up to this many recipients the notices are made in the caller's transaction; more go to a job.
INLINE_RECIPIENTS = 20


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
	"""Returns how many users were addressed."""
	if not user_args:
		return 0
	users = frappe.qb.DocType("User")
	languages = dict(
		frappe.qb.from_(users)
		.select(users.name, users.language)
		.where(users.name.isin(list(user_args)) & (users.enabled == 1))
		.run()
	)
	default_language = frappe.db.get_default("lang") or "en"
	notices = [
		{"for_user": user, "subject": _(message, lang=languages[user] or default_language).format(*args)}
		for user, args in sorted(user_args.items())
		if user in languages
	]
	common = {
		"type": "Alert",
		"document_type": doctype,
		"document_name": name,
		"link": link,
		"from_user": frappe.session.user,
	}
	if len(notices) <= INLINE_RECIPIENTS or frappe.flags.in_test:
		make_notifications(common, notices)
	else:
		frappe.enqueue(
			make_notifications,
			queue="default",
			enqueue_after_commit=True,
			common=common,
			notices=notices,
		)
	for user in user_args:
		frappe.publish_realtime(
			"crm_suite_pool", {"doctype": doctype, "name": name}, user=user, after_commit=True
		)
	return len(user_args)


def make_notifications(common: dict, notices: list[dict]) -> int:
	"""Insert the Notification Log documents, skipping users who turned notifications off (Frappe's
	Notification Settings; no row means on), read for all recipients at once."""
	switched_off = set(
		frappe.get_all(
			"Notification Settings",
			filters={"name": ("in", [n["for_user"] for n in notices]), "enabled": 0},
			pluck="name",
		)
	)
	made = 0
	for notice in notices:
		if notice["for_user"] in switched_off:
			continue
		frappe.get_doc({"doctype": "Notification Log", **common, **notice}).insert(ignore_permissions=True)
		made += 1
	return made
