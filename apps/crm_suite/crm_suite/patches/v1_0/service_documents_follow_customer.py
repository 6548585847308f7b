import frappe

from crm_suite.permissions.service import ENGINEER_VISIBLE_STATES
from crm_suite.service.doctype.customer_complaint import customer_complaint
from crm_suite.service.doctype.service_contract import service_contract
from crm_suite.service.doctype.service_work_order import service_work_order
from crm_suite.services.customer_followers import follow_current_owners


def execute():
	"""Service documents written before they followed their customer (SPEC ORG-03, SVC-02, SVC-03): each
	gets its customer's current salesperson, and each work order its `dispatched_to` (the engineer once the
	order is dispatched), the columns their row scope now reads; and the indexes that read it (a migrate adds a
	doctype's indexes only when its definition changed), the escalation's index in its new order."""
	for module in (customer_complaint, service_contract, service_work_order):
		module.on_doctype_update()
	# the escalation's overdue ranges moved to (workflow_state, escalated, deadline)
	if frappe.db.has_index("tabCustomer Complaint", "escalated_workflow_state_deadline_index"):
		frappe.db.sql_ddl(
			"alter table `tabCustomer Complaint` drop index `escalated_workflow_state_deadline_index`"
		)
	follow_current_owners()
	w = frappe.qb.DocType("Service Work Order")
	frappe.qb.update(w).set(w.dispatched_to, w.engineer).where(
		w.workflow_state.isin(ENGINEER_VISIBLE_STATES) & w.dispatched_to.isnull()
	).run()
