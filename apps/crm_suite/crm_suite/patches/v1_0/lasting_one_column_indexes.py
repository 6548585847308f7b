"""The suite's one-column indexes become (column, name) under the same names (services/indexes.py), so that
Frappe's schema sync stops dropping them when a Custom Field is added; on a site where one was already
dropped, it is made again."""


def execute():
	from crm_suite.customers.doctype.customer_account.customer_account import (
		on_doctype_update as customers,
	)
	from crm_suite.follow_up.doctype.follow_up_record.follow_up_record import on_doctype_update as follow_ups
	from crm_suite.follow_up.doctype.follow_up_reminder.follow_up_reminder import (
		on_doctype_update as reminders,
	)
	from crm_suite.follow_up.doctype.visit_plan.visit_plan import on_doctype_update as plans
	from crm_suite.services.reminders import ensure_indexes

	for made in (customers, plans, follow_ups, reminders, ensure_indexes):
		made()
