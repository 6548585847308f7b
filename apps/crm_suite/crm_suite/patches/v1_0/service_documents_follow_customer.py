import frappe

from crm_suite.permissions.service import ENGINEER_VISIBLE_STATES
from crm_suite.services.customer_followers import follow_current_owners


def execute():
	"""Service documents written before they followed their customer (SPEC ORG-03, SVC-02, SVC-03): each
	gets its customer's current salesperson, and each work order its `dispatched_to` (the engineer once the
	order is dispatched), the columns their row scope now reads."""
	follow_current_owners()
	w = frappe.qb.DocType("Service Work Order")
	frappe.qb.update(w).set(w.dispatched_to, w.engineer).where(
		w.workflow_state.isin(ENGINEER_VISIBLE_STATES) & w.dispatched_to.isnull()
	).run()
