"""Drop ownership indexes that every ownership move had to rewrite (SPEC POOL-05, ORG-03).

(salesperson, modified) and (salesperson, lifecycle_state) are merged into (salesperson, modified,
lifecycle_state), which serves a salesperson's list (sorted by modified) and the limit counts by state
(read from the index alone); the pool's list walks Frappe's `modified` index instead of
(lifecycle_state, modified). The merged index is added by the doctypes' on_doctype_update during the
model sync that runs before this patch; single-column indexes dropped from the doctypes' JSON
(Customer Account.sales_department, Sales Lead.salesperson, Customer Ownership Log.done_at) are dropped
by that sync."""

import frappe

RETIRED = {
	"Customer Account": (
		"salesperson_modified_index",
		"salesperson_lifecycle_state_index",
		"lifecycle_state_modified_index",
	),
	"Sales Lead": ("salesperson_lifecycle_state_index",),
}


def execute():
	for doctype, indexes in RETIRED.items():
		drops = [f"drop index `{name}`" for name in indexes if frappe.db.has_index(f"tab{doctype}", name)]
		if drops:
			frappe.db.sql_ddl(f"alter table `tab{doctype}` {', '.join(drops)}")
