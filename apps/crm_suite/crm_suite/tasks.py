"""Scheduler entry points: thin, the work lives in services/."""

import frappe


def recycle_overdue():
	"""Daily (SPEC POOL-05): warnings, then recycling of overdue customers and leads."""
	from crm_suite.services.recycle import run_all

	try:
		run_all()
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title="crm_suite: recycle_overdue")
		raise
