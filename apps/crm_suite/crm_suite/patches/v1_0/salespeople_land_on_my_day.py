"""Salespeople open the Desk on My Day (SPEC FUP-04, issue 16): enabled sales staff holding CRM Salesperson
whose landing workspace is unset, or is the Customers workspace the app set for them before (no person ever
changed it: no Version of the user records a default_workspace change), land on My Day. A workspace a user
chose is left alone."""

import frappe


def execute():
	if not frappe.db.exists("Workspace", "My Day"):
		return
	frappe.db.sql(
		"""update `tabUser` u
		join `tabSales Staff` s on s.`user` = u.`name` and s.`enabled` = 1
		set u.`default_workspace` = 'My Day'
		where u.`enabled` = 1
			and coalesce(u.`default_workspace`, '') in ('', 'Customers')
			and exists (select 1 from `tabHas Role` r where r.`parent` = u.`name` and r.`parenttype` = 'User'
				and r.`role` = 'CRM Salesperson')
			and not exists (select 1 from `tabVersion` v where v.`ref_doctype` = 'User' and v.`docname` = u.`name`
				and v.`data` like '%%default_workspace%%')"""
	)
