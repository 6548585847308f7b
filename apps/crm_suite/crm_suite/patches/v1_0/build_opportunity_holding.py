"""Open opportunities per process, stage and salesperson (SPEC SALE-01, RPT-04, issue 17) on sites whose
opportunities predate the table: counted from the opportunities in one transaction."""

from crm_suite.services import pipeline_rollup


def execute():
	pipeline_rollup.rebuild()
