"""Customer Account gets creation_index and deal_on_index (SPEC RPT-01, RPT-03, RPT-06, issue 17): an admin's
customer reports read one period's new customers and deals as index ranges instead of every row. The doctype's
on_doctype_update adds them when the doctype is synced; the doctype did not change, so this adds them too
(add_index skips an index that exists)."""


def execute():
	from crm_suite.customers.doctype.customer_account.customer_account import on_doctype_update

	on_doctype_update()
