"""The ownership log's (to_salesperson, done_at) index becomes (to_salesperson, action, done_at)
(SPEC POOL-03, POOL-05): a day's claims of one salesperson and the recycle rows of a time window are then
exact ranges. The doctype's on_doctype_update adds the new index when the doctype is synced; the doctype
did not change, so this adds it too (add_index skips an index that exists) and drops the old one."""

import frappe


def execute():
	from crm_suite.crm_core.doctype.customer_ownership_log.customer_ownership_log import on_doctype_update

	on_doctype_update()
	if frappe.db.has_index("tabCustomer Ownership Log", "to_salesperson_done_at_index"):
		frappe.db.sql_ddl("alter table `tabCustomer Ownership Log` drop index `to_salesperson_done_at_index`")
