# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt
"""Call statistics per user (SPEC CALL-03): inbound, outbound, missed, valid calls and talk time over a
period, within the viewer's row scope (applied explicitly: script reports run unrestricted SQL)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_days, getdate, today

from crm_suite.permissions.call_center import call_scope_criterion
from crm_suite.permissions.rows import where_in_scope


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	rows = get_data(filters)
	total = sum(r["total_calls"] for r in rows)
	missed = sum(r["missed"] for r in rows)
	summary = [
		{"value": total, "label": _("Calls"), "datatype": "Int", "indicator": "Blue"},
		{"value": missed, "label": _("Missed"), "datatype": "Int", "indicator": "Red"},
		{"value": sum(r["valid_calls"] for r in rows), "label": _("Valid Calls"), "datatype": "Int"},
	]
	chart = {
		"data": {
			"labels": [r["user_name"] for r in rows],
			"datasets": [
				{"name": _("Inbound"), "values": [r["inbound"] for r in rows]},
				{"name": _("Outbound"), "values": [r["outbound"] for r in rows]},
				{"name": _("Missed"), "values": [r["missed"] for r in rows]},
			],
		},
		"type": "bar",
	}
	return get_columns(), rows, None, chart if rows else None, summary


def get_columns() -> list[dict]:
	return [
		{"fieldname": "user", "label": _("User"), "fieldtype": "Link", "options": "User", "width": 200},
		{"fieldname": "user_name", "label": _("Full Name"), "fieldtype": "Data", "width": 140},
		{"fieldname": "total_calls", "label": _("Calls"), "fieldtype": "Int", "width": 90},
		{"fieldname": "inbound", "label": _("Inbound"), "fieldtype": "Int", "width": 90},
		{"fieldname": "outbound", "label": _("Outbound"), "fieldtype": "Int", "width": 90},
		{"fieldname": "missed", "label": _("Missed"), "fieldtype": "Int", "width": 90},
		{"fieldname": "valid_calls", "label": _("Valid Calls"), "fieldtype": "Int", "width": 100},
		{"fieldname": "talk_seconds", "label": _("Talk Time (Seconds)"), "fieldtype": "Int", "width": 130},
	]


def get_data(filters) -> list[dict]:
	call = frappe.qb.DocType("Phone Call Record")
	date_from = getdate(filters.get("from_date") or add_days(today(), -30))
	date_to = getdate(filters.get("to_date") or today())
	query = (
		frappe.qb.from_(call)
		.select(
			call.user,
			Count("*").as_("total_calls"),
			Sum(frappe.qb.terms.Case().when(call.call_type == "Inbound", 1).else_(0)).as_("inbound"),
			Sum(frappe.qb.terms.Case().when(call.call_type == "Outbound", 1).else_(0)).as_("outbound"),
			Sum(frappe.qb.terms.Case().when(call.call_type == "Missed", 1).else_(0)).as_("missed"),
			Sum(call.is_valid_call).as_("valid_calls"),
			Sum(call.duration).as_("talk_seconds"),
		)
		.where(call.start_time >= date_from)
		.where(call.start_time < add_days(date_to, 1))
		.groupby(call.user)
		.orderby(Count("*"), order=frappe.qb.desc)
	)
	if filters.get("phone_line"):
		query = query.where(call.phone_line == filters.phone_line)
	if filters.get("user"):
		query = query.where(call.user == filters.user)
	query = where_in_scope(query, call_scope_criterion(frappe.session.user, call))
	rows = query.run(as_dict=True)
	names = {
		u.name: u.full_name
		for u in frappe.get_all(
			"User",
			filters={"name": ["in", [r.user for r in rows if r.user] or [""]]},
			fields=["name", "full_name"],
		)
	}
	for row in rows:
		row["user_name"] = names.get(row.user) or _("Unassigned")
		for key in ("inbound", "outbound", "missed", "valid_calls", "talk_seconds"):
			row[key] = int(row[key] or 0)
	return rows
