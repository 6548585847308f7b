"""Sales Opportunity's `won_report_index` (status, deal_date, salesperson, expected_amount) in place of (status,
deal_date, salesperson) (SPEC RPT-06, issue 17): a period's won amount per salesperson is read from the index
alone. The doctype's on_doctype_update makes it when synced; the doctype did not change, so this does."""


def execute():
	from crm_suite.sales.doctype.sales_opportunity.sales_opportunity import on_doctype_update

	on_doctype_update()
