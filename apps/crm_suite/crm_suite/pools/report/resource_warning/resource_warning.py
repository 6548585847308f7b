"""Resource warning (SPEC POOL-11): per salesperson, customers assigned vs. never contacted.

The rows counted are the customers held by the people the viewer sees — the report scope of the Decision
Centre (permissions/reports.py), not the list scope: pool and shared customers are nobody's figures here, and
a DocShare OR would make every run a full scan. Read from *Customer Holding* (services/holding_rollup.py: the
customers held per salesperson, department, state, category and kind, contacted or not since claimed, kept up
with every customer written or moved): a few rows per salesperson in scope instead of each of the team's
customers (issue 17: 442k index entries for a manager of 200 at 1M customers, 0.8–1.8 s)."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Sum

from crm_suite.permissions.reports import where_reported
from crm_suite.services.holding_rollup import HOLDING
from crm_suite.services.pool.kinds import CUSTOMER

# what the owned limit counts, imported Pending customers included: exactly the ones at risk here
OWNED_STATES = CUSTOMER.owned_states


def execute(filters=None):
	filters = frappe._dict(filters or {})
	columns = [
		{"fieldname": "salesperson", "label": _("Salesperson"), "fieldtype": "Link", "options": "User", "width": 200},
		{"fieldname": "sales_department", "label": _("Sales Department"), "fieldtype": "Link", "options": "Sales Department", "width": 160},
		{"fieldname": "assigned", "label": _("Assigned"), "fieldtype": "Int", "width": 110},
		{"fieldname": "never_contacted", "label": _("Never Contacted"), "fieldtype": "Int", "width": 130},
		{"fieldname": "never_contacted_pct", "label": _("Never Contacted %"), "fieldtype": "Percent", "width": 140},
	]  # fmt: skip
	t = frappe.qb.DocType(HOLDING)
	never = Sum(Case().when(t.never_contacted == 1, t.customer_count).else_(0))
	query = (
		frappe.qb.from_(t)
		.select(
			t.salesperson,
			t.sales_department,
			Sum(t.customer_count).as_("assigned"),
			never.as_("never_contacted"),
		)
		.where(t.salesperson.isnotnull() & t.lifecycle_state.isin(OWNED_STATES))
		.groupby(t.salesperson, t.sales_department)
		.orderby(never, order=frappe.qb.desc)
	)
	query = where_reported(query, t.salesperson, {})  # the department filter is the customer's, below
	if filters.sales_department:
		query = query.where(t.sales_department == filters.sales_department)
	if filters.min_never_contacted:
		query = query.having(never >= int(filters.min_never_contacted))
	data = query.run(as_dict=True)
	for row in data:
		row.assigned = int(row.assigned or 0)
		row.never_contacted = int(row.never_contacted or 0)
		row.never_contacted_pct = round(100.0 * row.never_contacted / row.assigned, 1) if row.assigned else 0
	summary = [
		{"label": _("Assigned"), "value": sum(r.assigned for r in data), "datatype": "Int"},
		{
			"label": _("Never Contacted"),
			"value": sum(r.never_contacted for r in data),
			"datatype": "Int",
			"indicator": "Red",
		},
	]
	return columns, data, None, None, summary
