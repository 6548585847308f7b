"""Sharing an owned customer with colleagues for collaborative follow-up (SPEC POOL-09), through Frappe's
DocShare."""

import frappe
from frappe import _

from crm_suite.services.pool.errors import InvalidShareTarget
from crm_suite.services.pool.kinds import CUSTOMER
from crm_suite.services.pool.locks import lock_owned_rows
from crm_suite.services.pool.moves import notify


def share(name: str, users: list[str], write: bool = False):
	"""Share one owned customer with colleagues (read, or read and write).

	Obeys System Settings → Disable Document Sharing, as Frappe's own share does; colleagues are enabled
	Desk users (not Website Users, not disabled, not unknown), never the sharer."""
	# read from the database: the cached System Settings can be a save behind (a request or job that read the
	# document between another request's cache clear and its commit caches the old value)
	if frappe.db.get_single_value("System Settings", "disable_document_sharing", cache=False):
		frappe.throw(
			_("Document sharing is disabled on this site."), frappe.PermissionError, title=_("Not Allowed")
		)
	users = list(dict.fromkeys(users))
	check_share_targets(users)
	(row,) = lock_owned_rows(CUSTOMER, [name])
	for user in users:  # a handful of colleagues; DocShare keeps one row per user
		frappe.share.add_docshare(
			CUSTOMER.doctype,
			row.name,
			user,
			read=1,
			write=int(write),
			share=0,
			notify=0,
			flags={"ignore_share_permission": True},
		)
	notify(dict.fromkeys(users, 1), "{0} were shared with you.", CUSTOMER, name)
	return users


def check_share_targets(users: list[str]):
	"""Every user to share with exists, is enabled and is a Desk (System) user other than oneself."""
	user_table = frappe.qb.DocType("User")
	found = {
		r.name: r
		for r in frappe.qb.from_(user_table)
		.select(user_table.name, user_table.enabled, user_table.user_type)
		.where(user_table.name.isin(users))
		.run(as_dict=True)
	}
	bad = [
		u
		for u in users
		if u not in found
		or not found[u].enabled
		or found[u].user_type != "System User"
		or u in ("Guest", "Administrator", frappe.session.user)
	]
	if bad:
		frappe.throw(
			_("Customers can only be shared with enabled colleagues: {0}").format(", ".join(bad)),
			InvalidShareTarget,
			title=_("Invalid User"),
		)
