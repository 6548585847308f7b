"""Follow-ups per salesperson and period (SPEC FUP-02), within the viewer's row scope."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_days, get_datetime, getdate

from crm_suite.permissions.pool import follow_up_scope_criterion
from crm_suite.permissions.rows import where_in_scope


def execute(filters=None):
	filters = frappe._dict(filters or {})
	from_date = getdate(filters.from_date or frappe.utils.get_first_day(getdate()))
	to_date = getdate(filters.to_date or getdate())
	columns = [
		{"fieldname": "salesperson", "label": _("Salesperson"), "fieldtype": "Link", "options": "User", "width": 200},
		{"fieldname": "sales_department", "label": _("Sales Department"), "fieldtype": "Link", "options": "Sales Department", "width": 160},
		{"fieldname": "follow_ups", "label": _("Follow-ups"), "fieldtype": "Int", "width": 110},
		{"fieldname": "visits", "label": _("Visits"), "fieldtype": "Int", "width": 100},
		{"fieldname": "customers", "label": _("Customers"), "fieldtype": "Int", "width": 110},
	]  # fmt: skip
	f = frappe.qb.DocType("Follow Up Record")
	m = frappe.qb.DocType("Follow Up Method")
	query = (
		frappe.qb.from_(f)
		.left_join(m)
		.on(m.name == f.method)
		.select(
			f.salesperson,
			f.sales_department,
			Count("*").as_("follow_ups"),
			Sum(Case().when(m.is_visit == 1, 1).else_(0)).as_("visits"),
			Count(f.customer).distinct().as_("customers"),
		)
		.where(
			(f.followed_on >= get_datetime(from_date)) & (f.followed_on < get_datetime(add_days(to_date, 1)))
		)
		.groupby(f.salesperson, f.sales_department)
		.orderby(Count("*"), order=frappe.qb.desc)
	)
	query = where_in_scope(query, follow_up_scope_criterion(table=f))
	if filters.salesperson:
		query = query.where(f.salesperson == filters.salesperson)
	data = query.run(as_dict=True)
	for row in data:
		row.visits = int(row.visits or 0)
	chart = {
		"data": {
			"labels": [r.salesperson for r in data],
			"datasets": [{"name": _("Follow-ups"), "values": [r.follow_ups for r in data]}],
		},
		"type": "bar",
	}
	return columns, data, None, chart
