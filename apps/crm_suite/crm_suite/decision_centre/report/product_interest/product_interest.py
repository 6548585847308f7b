"""Product interest against deals per month (SPEC RPT-10). What the data holds: interest is read from the
products quoted to customers (Sales Quotation lines, not cancelled), deals from confirmed and completed
Customer Order lines; contacts' "interests" are free text naming no product, so they are not counted. Per
product and month: quotations and quoted quantity, orders and ordered quantity, and the share of quotations
that a deal matched. Two grouped queries, filtered by product category (subtree) and within the viewer's
report scope on the documents' salesperson (permissions/reports.py). Amounts are left out: documents may be
in different currencies."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum

from crm_suite.decision_centre.reporting import DateFormat, period, ratio
from crm_suite.permissions.reports import where_reported


def execute(filters=None):
	filters = frappe._dict(filters or {})
	from_date, to_date = period(filters, default_start=frappe.utils.get_year_start(frappe.utils.getdate()))
	figures: dict[tuple[str, str], dict] = {}

	def add(rows, count_key, qty_key):
		for product, month, documents, qty in rows:
			row = figures.setdefault(
				(month, product), {"quotations": 0, "quoted_qty": 0.0, "orders": 0, "ordered_qty": 0.0}
			)
			row[count_key] += int(documents or 0)
			row[qty_key] += float(qty or 0)

	q = frappe.qb.DocType("Sales Quotation")
	valid_quotation = (q.docstatus < 2) & (q.status != "Cancelled")
	add(
		_by_product_month(
			"Sales Quotation", "Sales Quotation Line", valid_quotation, from_date, to_date, filters
		),
		"quotations",
		"quoted_qty",
	)
	o = frappe.qb.DocType("Customer Order")
	valid_order = (o.docstatus == 1) & o.status.isin(("Confirmed", "Completed"))
	add(
		_by_product_month("Customer Order", "Customer Order Line", valid_order, from_date, to_date, filters),
		"orders",
		"ordered_qty",
	)
	products = dict(
		frappe.get_all(
			"Sales Product",
			filters={"name": ("in", list({p for _m, p in figures}) or [""])},
			fields=["name", "product_name"],
			as_list=True,
		)
	)
	data = [
		{
			"month": month,
			"product": product,
			"product_name": products.get(product) or product,
			**row,
			"deal_rate": ratio(row["orders"], row["quotations"]),
		}
		for (month, product), row in sorted(figures.items())
	]
	months = sorted({r["month"] for r in data})
	by_month = {m: [0, 0] for m in months}
	for r in data:
		by_month[r["month"]][0] += r["quotations"]
		by_month[r["month"]][1] += r["orders"]
	chart = {
		"data": {
			"labels": months,
			"datasets": [
				{"name": _("Quotations"), "values": [by_month[m][0] for m in months]},
				{"name": _("Orders"), "values": [by_month[m][1] for m in months]},
			],
		},
		"type": "line",
	}
	summary = [
		{"value": len({r["product"] for r in data}), "label": _("Products"), "datatype": "Int"},
		{"value": sum(r["quotations"] for r in data), "label": _("Quotations"), "datatype": "Int", "indicator": "Blue"},
		{"value": sum(r["orders"] for r in data), "label": _("Orders"), "datatype": "Int", "indicator": "Green"},
	]  # fmt: skip
	return get_columns(), data, None, chart if data else None, summary


def _by_product_month(doctype: str, line_doctype: str, valid, from_date, to_date, filters) -> list:
	"""(product, month, documents, qty) of the document lines in the period."""
	doc = frappe.qb.DocType(doctype)
	line = frappe.qb.DocType(line_doctype)
	month = DateFormat(doc.transaction_date, "%Y-%m")
	query = (
		frappe.qb.from_(line)
		.join(doc)
		.on((doc.name == line.parent) & (line.parenttype == doctype))
		.select(line.product, month, Count(doc.name).distinct(), Sum(line.qty))
		.where(valid & (doc.transaction_date >= from_date) & (doc.transaction_date <= to_date))
		.where(line.product.isnotnull())
		.groupby(line.product, month)
	)
	if filters.get("product"):
		query = query.where(line.product == filters.product)
	if filters.get("product_category"):
		bounds = frappe.db.get_value(
			"Sales Product Category", filters.product_category, ["lft", "rgt"], as_dict=True
		) or frappe._dict(lft=0, rgt=-1)
		product = frappe.qb.DocType("Sales Product")
		category = frappe.qb.DocType("Sales Product Category")
		in_category = (
			frappe.qb.from_(product)
			.join(category)
			.on(category.name == product.category)
			.select(product.name)
			.where((category.lft >= bounds.lft) & (category.rgt <= bounds.rgt))
		)
		query = query.where(line.product.isin(in_category))
	return where_reported(query, doc.salesperson, filters).run()


def get_columns() -> list[dict]:
	return [
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 90},
		{"fieldname": "product", "label": _("Product"), "fieldtype": "Link", "options": "Sales Product", "width": 140},
		{"fieldname": "product_name", "label": _("Product Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "quotations", "label": _("Quotations"), "fieldtype": "Int", "width": 100},
		{"fieldname": "quoted_qty", "label": _("Quoted Qty"), "fieldtype": "Float", "width": 100},
		{"fieldname": "orders", "label": _("Orders"), "fieldtype": "Int", "width": 90},
		{"fieldname": "ordered_qty", "label": _("Ordered Qty"), "fieldtype": "Float", "width": 100},
		{"fieldname": "deal_rate", "label": _("Deal Rate"), "fieldtype": "Percent", "width": 100},
	]  # fmt: skip
