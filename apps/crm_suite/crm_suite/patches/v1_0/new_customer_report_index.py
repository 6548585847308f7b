"""Customer Account's `new_customer_report_index` (creation, salesperson, lifecycle_state, customer_source) in
place of `creation_index` (SPEC RPT-01, RPT-03, issue 17): a manager's period of new customers is read from the
index alone. The doctype's on_doctype_update makes it when synced; the doctype did not change, so this does."""


def execute():
	from crm_suite.customers.doctype.customer_account.customer_account import on_doctype_update

	on_doctype_update()
