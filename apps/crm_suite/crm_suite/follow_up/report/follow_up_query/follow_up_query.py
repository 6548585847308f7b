"""Follow-up queries (SPEC FUP-05): the follow-ups of a period by customer, salesperson, department (its
subtree), method and the customer's status, within the viewer's row scope; exported through Frappe's report
export.

Every query is bounded by the date range and served by an index: (salesperson, followed_on) for a
salesperson, a department or anyone whose scope is a list of salespeople; (customer) for a customer;
(followed_on) for admins over everyone."""

import frappe
from frappe import _
from frappe.utils import add_days, date_diff, get_datetime, getdate

from crm_suite.permissions.pool import follow_up_scope_criterion
from crm_suite.permissions.rows import where_in_scope

MAX_ROWS = 5000  # a page the browser can render; narrow the filters (or export) for more
MAX_DAYS = 366
CUSTOMER_STATES = ("Pending", "Pool", "Following", "Deal", "Shelved", "Invalid")


class FollowUpQueryInvalid(frappe.ValidationError):
	pass


def _invalid(message: str, *args):
	frappe.throw(_(message).format(*args), FollowUpQueryInvalid, title=_("Invalid Input"))


def _date(value, default):
	if not value:
		return default
	try:
		return getdate(value)
	except Exception:
		_invalid("Invalid {0}.", _("date"))


def department_users(department: str) -> list[str]:
	"""The salespeople of a department and its sub-departments."""
	bounds = frappe.db.get_value("Sales Department", department, ["lft", "rgt"], as_dict=True)
	if not bounds:
		_invalid("{0} {1} not found", _("Sales Department"), department)
	staff, dept = frappe.qb.DocType("Sales Staff"), frappe.qb.DocType("Sales Department")
	return [
		row[0]
		for row in frappe.qb.from_(staff)
		.join(dept)
		.on(dept.name == staff.sales_department)
		.select(staff.user)
		.where((dept.lft >= bounds.lft) & (dept.rgt <= bounds.rgt))
		.run()
	]


def columns() -> list[dict]:
	return [
		{"fieldname": "followed_on", "label": _("Followed On"), "fieldtype": "Datetime", "width": 160},
		{"fieldname": "name", "label": _("Follow Up Record"), "fieldtype": "Link", "options": "Follow Up Record", "width": 110},
		{"fieldname": "customer", "label": _("Customer"), "fieldtype": "Link", "options": "Customer Account", "width": 140},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 200},
		{"fieldname": "method", "label": _("Method"), "fieldtype": "Link", "options": "Follow Up Method", "width": 100},
		{"fieldname": "content", "label": _("Content"), "fieldtype": "Data", "width": 260},
		{"fieldname": "next_contact_on", "label": _("Next Contact Date"), "fieldtype": "Date", "width": 120},
		{"fieldname": "salesperson", "label": _("Salesperson"), "fieldtype": "Link", "options": "User", "width": 180},
		{"fieldname": "sales_department", "label": _("Sales Department"), "fieldtype": "Link", "options": "Sales Department", "width": 140},
		{"fieldname": "visit_plan", "label": _("Visit Plan"), "fieldtype": "Link", "options": "Visit Plan", "width": 110},
	]  # fmt: skip


def build_query(filters: dict):
	"""The report's query for `filters`, checked and scoped (EXPLAIN-able in tests)."""
	filters = frappe._dict(filters)
	to_date = _date(filters.to_date, getdate())
	from_date = _date(filters.from_date, add_days(to_date, -30))
	if from_date > to_date:
		_invalid("The from date must not be after the to date.")
	if date_diff(to_date, from_date) > MAX_DAYS:
		_invalid("Choose a period of at most {0} days.", MAX_DAYS)
	if filters.customer_status and filters.customer_status not in CUSTOMER_STATES:
		_invalid("Invalid {0}.", _("Customer Status"))

	f = frappe.qb.DocType("Follow Up Record")
	query = (
		frappe.qb.from_(f)
		.select(
			f.followed_on, f.name, f.customer, f.customer_name, f.method, f.content, f.next_contact_on,
			f.salesperson, f.sales_department, f.visit_plan,
		)
		.where((f.followed_on >= get_datetime(from_date)) & (f.followed_on < get_datetime(add_days(to_date, 1))))
		.orderby(f.followed_on, order=frappe.qb.desc)
		.limit(MAX_ROWS + 1)
	)  # fmt: skip
	query = where_in_scope(query, follow_up_scope_criterion(table=f))
	if filters.salesperson:
		query = query.where(f.salesperson == filters.salesperson)
	if filters.sales_department:
		query = query.where(f.salesperson.isin(department_users(filters.sales_department) or [""]))
	if filters.customer:
		query = query.where(f.customer == filters.customer)
	if filters.method:
		query = query.where(f.method == filters.method)
	if filters.customer_status:
		c = frappe.qb.DocType("Customer Account")
		query = query.join(c).on(c.name == f.customer).where(c.lifecycle_state == filters.customer_status)
	return query


def execute(filters=None):
	data = build_query(filters or {}).run(as_dict=True)
	message = None
	if len(data) > MAX_ROWS:
		data = data[:MAX_ROWS]
		message = _("Showing the latest {0} follow-ups; narrow the filters to see the rest.").format(MAX_ROWS)
	summary = [{"label": _("Follow-ups"), "value": len(data), "datatype": "Int", "indicator": "Blue"}]
	return columns(), data, message, None, summary
