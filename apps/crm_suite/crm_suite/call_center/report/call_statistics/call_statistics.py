# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt
"""Call statistics (SPEC CALL-03, RPT-07): inbound, outbound, missed, valid calls and talk time over a period,
per user, per department, per day or month, or per user and day / month; within the viewer's row scope
(applied explicitly: script reports run unrestricted SQL) and the department subtree filter. Read from the
call rollup (calls, valid calls and talk seconds per day × user × line × call type × status, kept up with every
call log: services/activity_rollup.py), a few rows per user and day however many calls there are."""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import add_days, getdate, today

from crm_suite.decision_centre.reporting import DateFormat, departments_of, full_names
from crm_suite.permissions.call_center import call_rollup_scope
from crm_suite.permissions.reports import department_users
from crm_suite.permissions.rows import where_in_scope
from crm_suite.services.activity_rollup import CALLS

GROUPS = ("User", "Department", "Day", "Month", "User per Day", "User per Month")
COUNTS = ("total_calls", "inbound", "outbound", "missed", "valid_calls", "talk_seconds")
DAY, MONTH = "%Y-%m-%d", "%Y-%m"


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	group_by = filters.group_by if filters.group_by in GROUPS else "User"
	rows = get_data(filters, group_by)
	total = {k: sum(r[k] for r in rows) for k in COUNTS}
	summary = [
		{"value": total["total_calls"], "label": _("Calls"), "datatype": "Int", "indicator": "Blue"},
		{"value": total["inbound"], "label": _("Inbound"), "datatype": "Int"},
		{"value": total["outbound"], "label": _("Outbound"), "datatype": "Int"},
		{"value": total["missed"], "label": _("Missed"), "datatype": "Int", "indicator": "Red"},
		{"value": total["valid_calls"], "label": _("Valid Calls"), "datatype": "Int", "indicator": "Green"},
	]
	return get_columns(group_by), rows, None, chart_of(rows, group_by) if rows else None, summary


def chart_of(rows: list[dict], group_by: str) -> dict:
	if group_by in ("Day", "Month", "User per Day", "User per Month"):
		per_period: dict[str, dict] = {}
		for r in rows:
			p = per_period.setdefault(r["period"], {"inbound": 0, "outbound": 0, "missed": 0})
			for k in p:
				p[k] += r[k]
		labels = sorted(per_period)
		values = {k: [per_period[p][k] for p in labels] for k in ("inbound", "outbound", "missed")}
		kind = "line"
	else:
		labels = [r.get("user_name") or r.get("sales_department") or _("Not Set") for r in rows]
		values = {k: [r[k] for r in rows] for k in ("inbound", "outbound", "missed")}
		kind = "bar"
	return {
		"data": {
			"labels": labels,
			"datasets": [
				{"name": _("Inbound"), "values": values["inbound"]},
				{"name": _("Outbound"), "values": values["outbound"]},
				{"name": _("Missed"), "values": values["missed"]},
			],
		},
		"type": kind,
	}


def get_columns(group_by: str) -> list[dict]:
	columns = []
	if group_by in ("Day", "Month", "User per Day", "User per Month"):
		label = _("Day") if "Day" in group_by else _("Month")
		columns.append({"fieldname": "period", "label": label, "fieldtype": "Data", "width": 110})
	if group_by == "Department":
		columns.append({"fieldname": "sales_department", "label": _("Sales Department"), "fieldtype": "Link", "options": "Sales Department", "width": 180})  # fmt: skip
	if group_by in ("User", "User per Day", "User per Month"):
		columns += [
			{"fieldname": "user", "label": _("User"), "fieldtype": "Link", "options": "User", "width": 200},
			{"fieldname": "user_name", "label": _("Full Name"), "fieldtype": "Data", "width": 140},
		]
	return columns + [
		{"fieldname": "total_calls", "label": _("Calls"), "fieldtype": "Int", "width": 90},
		{"fieldname": "inbound", "label": _("Inbound"), "fieldtype": "Int", "width": 90},
		{"fieldname": "outbound", "label": _("Outbound"), "fieldtype": "Int", "width": 90},
		{"fieldname": "missed", "label": _("Missed"), "fieldtype": "Int", "width": 90},
		{"fieldname": "valid_calls", "label": _("Valid Calls"), "fieldtype": "Int", "width": 100},
		{"fieldname": "talk_seconds", "label": _("Talk Time (Seconds)"), "fieldtype": "Int", "width": 130},
	]


def get_data(filters, group_by: str = "User") -> list[dict]:
	"""The calls of the period summed from the call rollup (services/activity_rollup.py: a row per day × user
	× line × call type × status), in the viewer's call scope (the rollup keeps the user and the line)."""
	call = frappe.qb.DocType(CALLS.doctype)
	date_from = getdate(filters.get("from_date") or add_days(today(), -30))
	date_to = getdate(filters.get("to_date") or today())
	if date_to < date_from:
		frappe.throw(_("The To Date must not be before the From Date."), frappe.ValidationError)
	keys = []
	if group_by in ("Day", "Month", "User per Day", "User per Month"):
		keys.append(DateFormat(call.day, DAY if "Day" in group_by else MONTH).as_("period"))
	if group_by in ("User", "Department", "User per Day", "User per Month"):
		keys.append(call.user)  # departments are summed from the users' rows below

	def of_type(call_type: str):
		return Sum(frappe.qb.terms.Case().when(call.call_type == call_type, call.call_count).else_(0))

	query = (
		frappe.qb.from_(call)
		.select(
			*keys,
			Sum(call.call_count).as_("total_calls"),
			of_type("Inbound").as_("inbound"),
			of_type("Outbound").as_("outbound"),
			of_type("Missed").as_("missed"),
			Sum(call.valid_count).as_("valid_calls"),
			Sum(call.talk_seconds).as_("talk_seconds"),
		)
		.where(call.day >= date_from)
		.where(call.day <= date_to)
	)
	if keys:
		query = query.groupby(*keys)
	if filters.get("phone_line"):
		query = query.where(call.phone_line == filters.phone_line)
	if person := filters.get("user") or filters.get("salesperson"):
		query = query.where(call.user == person)
	members = department_users(filters.get("sales_department"))
	if members is not None:
		query = query.where(call.user.isin(members or [""]))
	query = where_in_scope(query, call_rollup_scope(frappe.session.user, call))
	rows = query.run(as_dict=True)
	for row in rows:
		for key in COUNTS:
			row[key] = int(row[key] or 0)
	if group_by == "Department":
		departments = departments_of(r.user for r in rows)
		summed: dict[str, dict] = {}
		for row in rows:
			key = departments.get(row.user) or _("No Department")
			target = summed.setdefault(key, frappe._dict(sales_department=key, **dict.fromkeys(COUNTS, 0)))
			for k in COUNTS:
				target[k] += row[k]
		rows = list(summed.values())
	if group_by in ("User", "User per Day", "User per Month"):
		names = full_names(r.user for r in rows)
		for row in rows:
			row["user_name"] = names.get(row.user) or _("Unassigned")
	if group_by in ("Day", "Month", "User per Day", "User per Month"):
		rows.sort(key=lambda r: (r["period"], -r["total_calls"], r.get("user") or ""))
	else:
		rows.sort(key=lambda r: (-r["total_calls"], r.get("user") or r.get("sales_department") or ""))
	return rows
