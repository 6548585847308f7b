"""Sales Opportunity gets creation_index (SPEC RPT-04, issue 17): the stage conversion report of a period starts
from the opportunities created in it, an index range instead of every opportunity. The doctype's
on_doctype_update adds it when synced; the doctype did not change, so this adds it too."""


def execute():
	from crm_suite.sales.doctype.sales_opportunity.sales_opportunity import on_doctype_update

	on_doctype_update()
