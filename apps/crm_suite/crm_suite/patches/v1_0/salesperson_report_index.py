"""Customer Account's salesperson_creation index becomes salesperson_report (SPEC POOL-11, RPT-01, RPT-11,
issue 17): the same first three columns and the ones Resource Warning and Customer Stickiness read, so that
they read the index alone. The doctype's on_doctype_update makes it (and drops the old one once the new one
exists) when the doctype is synced; the doctype did not change, so this does it too."""


def execute():
	from crm_suite.customers.doctype.customer_account.customer_account import on_doctype_update

	on_doctype_update()
