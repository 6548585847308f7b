"""Collection rate (回款率, SPEC SALE-06, RPT-08): per salesperson and month, what became receivable (orders
confirmed, contracts approved, net of their cancellations) against what was collected (payments net of
cancellations, less refunds), rolled up per department over its subtree. Read from the collection rollup (the
receivable ledger summed per day × salesperson × department × currency, kept up with every posting: see
services/collection_rollup.py), a few rows per salesperson and day however many payments there are. The money
stays with the salesperson who earned it (the ledger row's salesperson), and the row scope (ORG-03) is theirs:
a salesperson sees their own figures, a manager those of the department subtree's salespeople."""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import add_months, flt, get_first_day, get_last_day, getdate

from crm_suite.permissions.rows import where_in_scope
from crm_suite.permissions.sales_money import MONEY_SCOPES
from crm_suite.policies import receivables as rules

ROLLUP = "Collection Daily Rollup"
NO_DEPARTMENT = "—"


def execute(filters=None):
	filters = frappe._dict(filters or {})
	today = getdate()
	start = getdate(filters.from_date) if filters.from_date else get_first_day(add_months(today, -11))
	end = getdate(filters.to_date) if filters.to_date else get_last_day(today)
	columns = [
		{"fieldname": "label", "label": _("Department / Salesperson"), "fieldtype": "Data", "width": 240},
		{"fieldname": "period", "label": _("Period"), "fieldtype": "Data", "width": 90},
		{"fieldname": "due", "label": _("Receivable Due"), "fieldtype": "Currency", "width": 140},
		{"fieldname": "collected", "label": _("Collected"), "fieldtype": "Currency", "width": 140},
		{"fieldname": "refunded", "label": _("Refunded"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "rate", "label": _("Collection Rate"), "fieldtype": "Percent", "width": 120},
	]
	rows = collection(start, end, filters)
	data = rollup(rows, filters)
	top = [r for r in data if r["indent"] == 0]
	chart = {
		"data": {
			"labels": [r["label"] for r in top],
			"datasets": [
				{"name": _("Receivable Due"), "values": [r["due"] for r in top]},
				{"name": _("Collected"), "values": [r["collected"] for r in top]},
			],
		},
		"type": "bar",
	}
	due = sum(r["due"] for r in top)
	collected = sum(r["collected"] for r in top)
	rate = rules.collection_rate(due, collected)
	summary = [
		{"label": _("Receivable Due"), "value": due, "datatype": "Currency"},
		{"label": _("Collected"), "value": collected, "datatype": "Currency"},
		{
			"label": _("Collection Rate"),
			"value": float(rate) if rate is not None else 0,
			"datatype": "Percent",
		},
	]
	return columns, data, None, chart, summary


def collection(start, end, filters) -> dict[tuple[str, str], dict]:
	"""(salesperson, period) → due, collected (net of refunds), refunded. One query over the rollup grouped by
	day and salesperson, folded into months or years here (a few thousand rows)."""
	rollup = frappe.qb.DocType(ROLLUP)
	by_month = filters.group_by_month not in (0, "0", False)
	query = (
		frappe.qb.from_(rollup)
		.select(
			rollup.posting_date,
			rollup.salesperson,
			Sum(rollup.due_amount),
			Sum(rollup.paid_amount),
			Sum(rollup.refunded_amount),
		)
		.where((rollup.posting_date >= start) & (rollup.posting_date <= end))
		.groupby(rollup.posting_date, rollup.salesperson)
	)
	if filters.salesperson:
		query = query.where(rollup.salesperson == filters.salesperson)
	if filters.currency:
		query = query.where(rollup.currency == filters.currency)
	query = where_in_scope(query, MONEY_SCOPES[ROLLUP](table=rollup))
	rows: dict[tuple[str, str], dict] = {}
	for day, salesperson, d, p, r in query.run():
		period_key = str(day)[:7] if by_month else str(day)[:4]
		row = rows.setdefault(
			(salesperson or "", period_key), {"due": 0.0, "collected": 0.0, "refunded": 0.0}
		)
		row["due"] += flt(d)
		row["collected"] += flt(p) - flt(r)
		row["refunded"] += flt(r)
	return rows


def departments() -> list[frappe._dict]:
	return frappe.get_all(
		"Sales Department",
		fields=["name", "department_name", "parent_sales_department", "lft", "rgt"],
		order_by="lft",
	)


def rollup(rows: dict[tuple[str, str], dict], filters) -> list[dict]:
	"""Department rows (their subtree's totals, indented by depth), each followed by its own salespeople."""
	staff = dict(
		frappe.get_all(
			"Sales Staff",
			filters={"user": ("in", sorted({s for s, _p in rows}) or [""])},
			fields=["user", "sales_department"],
			as_list=True,
		)
	)
	depts = departments()
	bounds = {d.name: d for d in depts}
	if filters.sales_department and filters.sales_department in bounds:
		root = bounds[filters.sales_department]
		depts = [d for d in depts if root.lft <= d.lft and d.rgt <= root.rgt]
		bounds = {d.name: d for d in depts}
		rows = {k: v for k, v in rows.items() if staff.get(k[0]) in bounds}
	members: dict[str, list] = {}
	for (salesperson, period_key), r in sorted(rows.items()):
		dept = staff.get(salesperson) if staff.get(salesperson) in bounds else NO_DEPARTMENT
		members.setdefault(dept, []).append((salesperson, period_key, r))
	data = []
	shown = set()
	for d in depts:
		inside = [m for name, ms in members.items() if name in bounds for m in ms if _within(bounds[name], d)]
		if not inside:
			continue
		parent = d.parent_sales_department if d.parent_sales_department in shown else None
		depth = sum(1 for a in depts if a.lft < d.lft and a.rgt > d.rgt and a.name in shown)
		data.append(_line(d.department_name or d.name, None, _sum(inside), depth, d.name, parent))
		shown.add(d.name)
		for salesperson, period_key, r in members.get(d.name, []):
			data.append(_line(salesperson, period_key, r, depth + 1, f"{salesperson}:{period_key}", d.name))
	if members.get(NO_DEPARTMENT):
		ms = members[NO_DEPARTMENT]
		data.append(_line(_("No Department"), None, _sum(ms), 0, NO_DEPARTMENT, None))
		for salesperson, period_key, r in ms:
			data.append(
				_line(
					salesperson or _("Not Set"),
					period_key,
					r,
					1,
					f"{salesperson}:{period_key}",
					NO_DEPARTMENT,
				)
			)
	return data


def _within(dept, ancestor) -> bool:
	return ancestor.lft <= dept.lft and dept.rgt <= ancestor.rgt


def _sum(members) -> dict:
	return {k: sum(m[2][k] for m in members) for k in ("due", "collected", "refunded")}


def _line(label, period_key, r, indent, row_id, parent) -> dict:
	rate = rules.collection_rate(r["due"], r["collected"])
	return {
		"label": label,
		"period": period_key,
		"due": r["due"],
		"collected": r["collected"],
		"refunded": r["refunded"],
		"rate": float(rate) if rate is not None else None,
		"indent": indent,
		"row_id": row_id,
		"parent_row": parent,
	}
