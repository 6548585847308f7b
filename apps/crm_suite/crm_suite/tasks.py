"""Scheduler entry points (hooks.scheduler_events): thin, the work lives in services/. A job of a module
switched off in CRM Suite Settings does not run (SPEC ORG-04; policies/modules.JOBS)."""

import functools

import frappe


def switched(job):
	@functools.wraps(job)
	def run():
		from crm_suite.services.modules import job_enabled

		if job_enabled(job.__name__):
			return job()

	return run


@switched
def recycle_overdue():
	"""Daily (SPEC POOL-05): warnings, then recycling of overdue customers and leads."""
	from crm_suite.services.recycle import run_all

	try:
		run_all()
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title="crm_suite: recycle_overdue")
		raise


@switched
def mark_missed_calls():
	from crm_suite.services.call_center import mark_missed_calls

	mark_missed_calls()


@switched
def purge_old_recordings():
	from crm_suite.services.recordings import purge_old_recordings

	purge_old_recordings()


@switched
def flag_overdue_opportunities():
	"""Daily (SPEC SALE-01): open opportunities past their expected close date, one notice per owner."""
	from crm_suite.services.sales.overdue import flag_overdue_opportunities

	flag_overdue_opportunities()


@switched
def flag_overdue_visit_plans():
	"""Daily (SPEC FUP-03): open plans of past days become Overdue, their owners get one notice."""
	from crm_suite.services.visit_plan import flag_overdue_plans

	flag_overdue_plans()


@switched
def flag_overdue_instalments():
	"""Daily (SPEC SALE-06): unpaid instalments past their due date become Overdue, their owners told once."""
	from crm_suite.services.sales_money import flag_overdue_instalments

	flag_overdue_instalments()


@switched
def remind_contract_renewals():
	"""Daily (SPEC SALE-05): contracts within their renewal reminder days, one notice per owner; ended ones expire."""
	from crm_suite.services.sales_money import remind_contract_renewals

	remind_contract_renewals()


@switched
def expire_points():
	"""Daily (SPEC SALE-08): unspent points of accruals past their expiry date expire, once."""
	from crm_suite.services.loyalty import expire_points

	expire_points()


@switched
def run_reminders():
	"""Hourly (SPEC FUP-04): the reminder engine — generate, settle, deliver digests whose hour has come."""
	from crm_suite.services.reminders import run_reminders

	try:
		run_reminders(commit=True)
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title="crm_suite: run_reminders")
		raise


@switched
def escalate_overdue_complaints():
	"""Hourly (SPEC SVC-02): overdue open complaints go to the responsible person's manager, announced once."""
	from crm_suite.services.complaints import escalate_overdue_complaints

	try:
		escalate_overdue_complaints(commit=True)
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title="crm_suite: escalate_overdue_complaints")
		raise


@switched
def remind_expiring_service_contracts():
	"""Daily (SPEC SVC-03): service contracts within their reminder days, one notice per salesperson, once."""
	from crm_suite.services.field_service import remind_expiring_contracts

	remind_expiring_contracts()
