"""Row scope of the Decision Centre's reports (SPEC ORG-03, RPT-01..11).

Script reports run unrestricted SQL, so each applies the scope itself. A report counts what people are
responsible for: the rows whose salesperson (or call user, importer …) is one of the users the viewer sees —
themselves for a salesperson, the department subtree for a manager, everyone for admins (None). Pool and
shared rows, visible in lists, are nobody's figures and are not counted for a salesperson."""

import frappe
from frappe.query_builder import Criterion

from crm_suite.permissions.scope import visible_users


def department_users(department: str | None) -> list[str] | None:
	"""The staff of a department and all its sub-departments (None: no department filter)."""
	if not department:
		return None
	bounds = frappe.db.get_value("Sales Department", department, ["lft", "rgt"], as_dict=True)
	if not bounds:
		return []
	staff = frappe.qb.DocType("Sales Staff")
	dept = frappe.qb.DocType("Sales Department")
	return (
		frappe.qb.from_(staff)
		.join(dept)
		.on(dept.name == staff.sales_department)
		.select(staff.user)
		.distinct()
		.where((dept.lft >= bounds.lft) & (dept.rgt <= bounds.rgt))
		.run(pluck=True)
	)


def report_criterion(field, filters, user: str | None = None):
	"""`field` (a salesperson column) limited to the viewer's scope and the report's department and
	salesperson filters; None when nothing limits it."""
	parts = []
	users = visible_users(user or frappe.session.user)
	if users is not None:
		parts.append(field.isin(users or [""]))
	members = department_users(filters.get("sales_department"))
	if members is not None:
		parts.append(field.isin(members or [""]))
	if filters.get("salesperson"):
		parts.append(field == filters.get("salesperson"))
	return Criterion.all(parts) if parts else None


def where_reported(query, field, filters, user: str | None = None):
	"""`query` limited by `report_criterion` (unchanged when nothing limits it)."""
	criterion = report_criterion(field, filters, user)
	return query if criterion is None else query.where(criterion)
