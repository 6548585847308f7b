"""Call Daily Rollup's covering `call_report_index` (user, day, call type, line and the measures) in place of
(user, day, call_count, valid_count) (SPEC RPT-07, issue 17): Call Statistics reads a manager's month from the
index alone. The doctype's on_doctype_update makes it when synced; the doctype did not change, so this does."""


def execute():
	from crm_suite.call_center.doctype.call_daily_rollup.call_daily_rollup import on_doctype_update

	on_doctype_update()
