"""Shared pieces of the Decision Centre's script reports (SPEC RPT-01..11): the period, the time buckets of
trends, names of people and departments for labels."""

import frappe
from frappe import _
from frappe.query_builder.functions import Function
from frappe.utils import add_days, get_datetime, get_first_day, getdate

# DATE_FORMAT patterns of the trend buckets (the weekly one is the ISO year and week)
BUCKETS = {"Day": "%Y-%m-%d", "Week": "%x-W%v", "Month": "%Y-%m", "Year": "%Y"}


class DateFormat(Function):
	def __init__(self, date, fmt, alias=None):
		super().__init__("DATE_FORMAT", date, fmt, alias=alias)


class Hour(Function):
	def __init__(self, value, alias=None):
		super().__init__("HOUR", value, alias=alias)


# salespeople in a report's scope from which a period of new customers is read from the creation index
# (every new customer of the period, from the index alone) rather than each person's range of salesperson_report
# (their customers only, each row looked up): about where the two read alike at 1M customers
WIDE_SCOPE = 20


def wide_scope(filters) -> bool:
	"""Whether the viewer's report scope, narrowed by the report's filters, spans at least WIDE_SCOPE
	salespeople (admins: everyone)."""
	from crm_suite.permissions.reports import department_users
	from crm_suite.permissions.scope import visible_users

	if filters.get("salesperson"):
		return False
	people = [
		p
		for p in (visible_users(frappe.session.user), department_users(filters.get("sales_department")))
		if p is not None
	]
	return not people or min(len(p) for p in people) >= WIDE_SCOPE


def new_customers(query, filters):
	"""A query over a period of new customers (by creation, salesperson, state and source only) read from the
	covering creation index when the scope is wide (customers/doctype/customer_account: NEW_CUSTOMER_INDEX)."""
	from crm_suite.customers.doctype.customer_account.customer_account import NEW_CUSTOMER_INDEX_NAME

	return query.force_index(NEW_CUSTOMER_INDEX_NAME) if wide_scope(filters) else query


def period(filters, default_start=None) -> tuple:
	"""(from_date, to_date) of the filters: this month by default; to_date before from_date is refused."""
	from_date = getdate(filters.get("from_date") or default_start or get_first_day(getdate()))
	to_date = getdate(filters.get("to_date") or getdate())
	if to_date < from_date:
		frappe.throw(_("The To Date must not be before the From Date."), frappe.ValidationError)
	return from_date, to_date


def datetime_range(field, from_date, to_date):
	"""A Datetime column within the days from_date..to_date (index-friendly half-open range)."""
	return (field >= get_datetime(from_date)) & (field < get_datetime(add_days(to_date, 1)))


def bucket_of(field, filters, default: str = "Month"):
	return DateFormat(field, BUCKETS.get(filters.get("trend") or default, BUCKETS[default]))


def bucket_label(day, filters, default: str = "Month") -> str:
	"""The trend bucket of a date as `bucket_of` labels it in SQL (the ISO year and week for weeks)."""
	trend = filters.get("trend") if filters.get("trend") in BUCKETS else default
	if trend == "Week":
		year, week, _weekday = day.isocalendar()
		return f"{year}-W{week:02d}"
	return day.strftime(BUCKETS[trend])


def full_names(users) -> dict[str, str]:
	users = [u for u in set(users) if u]
	if not users:
		return {}
	return dict(
		frappe.get_all("User", filters={"name": ("in", users)}, fields=["name", "full_name"], as_list=True)
	)


def customer_names(customers) -> dict[str, str]:
	"""{customer: customer name} for the customers a report grouped by, in one query."""
	return dict(
		frappe.get_all(
			"Customer Account",
			filters={"name": ("in", list(customers) or [""])},
			fields=["name", "customer_name"],
			as_list=True,
		)
	)


def departments_of(users) -> dict[str, str]:
	users = [u for u in set(users) if u]
	if not users:
		return {}
	return dict(
		frappe.get_all(
			"Sales Staff", filters={"user": ("in", users)}, fields=["user", "sales_department"], as_list=True
		)
	)


def ratio(part, whole, digits: int = 1):
	return round(100.0 * part / whole, digits) if whole else None


def per(numerator, denominator, digits: int = 1):
	return round(numerator / denominator, digits) if denominator else None


def by_owner(figures: dict[str, dict], fields, by_department: bool) -> dict[str, tuple[dict, dict]]:
	"""Per-salesperson `figures` summed per salesperson or per department: key → (the owner columns, the sums)."""
	departments = departments_of(figures)
	rows: dict[str, dict] = {}
	for salesperson, values in figures.items():
		key = (departments.get(salesperson) or _("No Department")) if by_department else salesperson
		row = rows.setdefault(key, dict.fromkeys(fields, 0))
		for k in fields:
			row[k] += values[k]
	if by_department:
		return {key: ({"sales_department": key}, row) for key, row in rows.items()}
	names = full_names(rows)
	return {
		key: (
			{
				"salesperson": key,
				"full_name": names.get(key) or key,
				"sales_department": departments.get(key),
			},
			row,
		)
		for key, row in rows.items()
	}


def owner_columns(by_department: bool) -> list[dict]:
	"""The leading columns of a report grouped per salesperson or per department."""
	if by_department:
		return [
			{
				"fieldname": "sales_department",
				"label": _("Sales Department"),
				"fieldtype": "Link",
				"options": "Sales Department",
				"width": 180,
			}
		]
	return [
		{"fieldname": "salesperson", "label": _("Salesperson"), "fieldtype": "Link", "options": "User", "width": 180},
		{"fieldname": "full_name", "label": _("Full Name"), "fieldtype": "Data", "width": 120},
		{"fieldname": "sales_department", "label": _("Sales Department"), "fieldtype": "Link", "options": "Sales Department", "width": 140},
	]  # fmt: skip
