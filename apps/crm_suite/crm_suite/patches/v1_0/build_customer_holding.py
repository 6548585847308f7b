"""Customers held per salesperson, category and kind (SPEC RPT-11, issue 17) on sites whose customers predate
the table: counted from the customers in one transaction."""

from crm_suite.services import holding_rollup


def execute():
	holding_rollup.rebuild()
