"""Service documents follow their customer to a new salesperson (SPEC ORG-03, SVC-02, SVC-03).

A complaint, service request, work order and service contract carry their customer's salesperson and
department (copied when the customer is set), so that their row scope is the indexed `salesperson` column
(permissions/service.py). When customers go to another salesperson — claimed, assigned, distributed,
transferred (services/pool/moves.py) — their service documents go along: one UPDATE per doctype over the
`customer` index, in the move's transaction. A customer released to a pool keeps its documents with the
salesperson they were with (nobody owns the customer; the last owner keeps what they handled)."""

import frappe

FOLLOWERS = ("Customer Complaint", "Service Request", "Service Work Order", "Service Contract")


def follow_new_owner(customers: list[str], salesperson: str, sales_department: str | None) -> int:
	"""The service documents of `customers` now belong to `salesperson` (and their department). Their
	`modified` is left alone: a move is not an edit of the document. Returns the rows changed."""
	if not customers or not salesperson:
		return 0
	changed = 0
	for doctype in FOLLOWERS:
		t = frappe.qb.DocType(doctype)
		(
			frappe.qb.update(t)
			.set(t.salesperson, salesperson)
			.set(t.sales_department, sales_department)
			.where(t.customer.isin(customers) & ((t.salesperson != salesperson) | t.salesperson.isnull()))
			.run()
		)
		changed += frappe.db.sql("select row_count()")[0][0]
	return changed


def follow_current_owners() -> int:
	"""Every service document whose customer has a salesperson gets that salesperson and department (the
	patch for rows written before documents followed their customer; safe to run again)."""
	changed = 0
	for doctype in FOLLOWERS:
		frappe.db.sql(
			f"""update `tab{doctype}` t join `tabCustomer Account` c on c.`name` = t.`customer`
			set t.`salesperson` = c.`salesperson`, t.`sales_department` = c.`sales_department`
			where c.`salesperson` is not null
				and (t.`salesperson` is null or t.`salesperson` <> c.`salesperson`)"""
		)
		changed += frappe.db.sql("select row_count()")[0][0]
	return changed
