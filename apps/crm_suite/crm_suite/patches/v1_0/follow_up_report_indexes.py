"""Follow Up Daily Rollup gets its covering salesperson_report_index (salesperson, day, sales_department,
method, follow_up_count) in place of (salesperson, day, follow_up_count), and Follow Up Customer Month its
per-type indexes (SPEC RPT-02, RPT-11, issue 17): Follow Up Statistics and Customer Stickiness read a team's
month from them alone. The doctypes' on_doctype_update add them when synced; this adds them on sites whose
doctypes did not change."""


def execute():
	from crm_suite.follow_up.doctype.follow_up_customer_month.follow_up_customer_month import (
		on_doctype_update as customer_month_indexes,
	)
	from crm_suite.follow_up.doctype.follow_up_daily_rollup.follow_up_daily_rollup import (
		on_doctype_update as daily_rollup_indexes,
	)

	daily_rollup_indexes()
	customer_month_indexes()
