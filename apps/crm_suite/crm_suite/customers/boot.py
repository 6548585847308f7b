"""What the Desk boots with for the customer list (SPEC CUS-01): each customer category's indicator colour, so that
the list colours its rows on its first render — no request of its own and no second list refresh on every load."""

import frappe

CATEGORY = "Customer Category"


def boot_session(bootinfo) -> None:
	if frappe.session.user == "Guest" or not frappe.has_permission(CATEGORY, "read"):
		return
	bootinfo.crm_suite_category_indicators = dict(
		frappe.get_all(CATEGORY, fields=["name", "indicator"], as_list=True)
	)


def clear_boot_cache() -> None:
	"""The Desk's boot is cached per user: a category's colour changed reaches every list at the next page load."""
	frappe.cache.delete_key("bootinfo")
