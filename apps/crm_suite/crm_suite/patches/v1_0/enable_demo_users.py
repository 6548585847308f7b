"""Demo logins made by 0.1.0's loader were inserted with Frappe's import flag, which skipped the User
defaults and left them disabled: enable those that never logged in (README promises these logins) —
on demo sites only (marked by the loader): a real site never gets known-password logins from a migrate."""

import frappe

from crm_suite.demo.load import DEMO_DOMAIN, is_demo_site


def execute():
	if not is_demo_site():
		return
	user = frappe.qb.DocType("User")
	(
		frappe.qb.update(user)
		.set(user.enabled, 1)
		.where(user.name.like(f"%@{DEMO_DOMAIN}") & (user.enabled == 0) & user.last_login.isnull())
		.run()
	)
	frappe.cache.delete_key("enabled_users")
