"""Customer Account's `deal_report_index` (deal_on, salesperson) in place of `deal_on_index` (SPEC RPT-03, RPT-06,
issue 17): a period's deal customers per salesperson are read from the index alone. The doctype's
on_doctype_update makes it when synced; the doctype did not change, so this does."""


def execute():
	from crm_suite.customers.doctype.customer_account.customer_account import on_doctype_update

	on_doctype_update()
