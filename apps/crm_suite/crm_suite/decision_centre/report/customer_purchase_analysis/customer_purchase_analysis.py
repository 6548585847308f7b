"""Customer purchase analysis (SPEC RPT-05) from the lines of confirmed and completed Customer Orders over a
period: the purchase detail (one row per order line), the purchase summary (per customer and product: orders,
quantity, amount, average price) and the price analysis (per product: customers, quantity, amount, average,
lowest and highest unit price). One query, limited to the orders of the people the viewer sees
(permissions/reports.py, the order's salesperson)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Max, Min, Sum

from crm_suite.decision_centre.reporting import per, period
from crm_suite.permissions.reports import where_reported

VIEWS = ("Detail", "Summary", "Price Analysis")
MAX_DETAIL_ROWS = 5000


def execute(filters=None):
	filters = frappe._dict(filters or {})
	from_date, to_date = period(filters, default_start=frappe.utils.get_year_start(frappe.utils.getdate()))
	view = filters.view if filters.view in VIEWS else "Summary"
	o = frappe.qb.DocType("Customer Order")
	line = frappe.qb.DocType("Customer Order Line")
	query = (
		frappe.qb.from_(line)
		.join(o)
		.on((o.name == line.parent) & (line.parenttype == "Customer Order"))
		.where(
			(o.docstatus == 1)
			& o.status.isin(("Confirmed", "Completed"))
			& (o.transaction_date >= from_date)
			& (o.transaction_date <= to_date)
		)
	)
	if filters.customer:
		query = query.where(o.customer == filters.customer)
	if filters.product:
		query = query.where(line.product == filters.product)
	query = where_reported(query, o.salesperson, filters)
	if view == "Detail":
		data = (
			query.select(
				o.transaction_date,
				o.name.as_("customer_order"),
				o.customer,
				o.customer_name,
				o.salesperson,
				line.product,
				line.product_name,
				line.qty,
				line.price,
				line.discount_percent,
				line.amount,
			)
			.orderby(o.transaction_date, order=frappe.qb.desc)
			.orderby(o.name)
			.orderby(line.idx)
			.limit(MAX_DETAIL_ROWS)
			.run(as_dict=True)
		)
	elif view == "Summary":
		data = (
			query.select(
				o.customer,
				o.customer_name,
				line.product,
				line.product_name,
				Count(o.name).distinct().as_("orders"),
				Sum(line.qty).as_("qty"),
				Sum(line.qty * line.price).as_("list_amount"),
				Sum(line.amount).as_("amount"),
			)
			.groupby(o.customer, o.customer_name, line.product, line.product_name)
			.orderby(Sum(line.amount), order=frappe.qb.desc)
			.run(as_dict=True)
		)
	else:
		data = (
			query.select(
				line.product,
				line.product_name,
				Count(o.customer).distinct().as_("customers"),
				Count(o.name).distinct().as_("orders"),
				Sum(line.qty).as_("qty"),
				Sum(line.qty * line.price).as_("list_amount"),
				Sum(line.amount).as_("amount"),
				Min(line.price).as_("min_price"),
				Max(line.price).as_("max_price"),
			)
			.groupby(line.product, line.product_name)
			.orderby(Sum(line.amount), order=frappe.qb.desc)
			.run(as_dict=True)
		)
	for row in data:
		for k in ("qty", "price", "amount", "list_amount", "min_price", "max_price", "discount_percent"):
			if k in row:
				row[k] = float(row[k] or 0)
		if view != "Detail":
			row.avg_price = per(row.pop("list_amount"), row.qty, 2)
	by_product: dict[str, float] = {}
	for row in data:
		key = row.product_name or row.product
		by_product[key] = by_product.get(key, 0.0) + row.amount
	top = sorted(by_product.items(), key=lambda kv: -kv[1])[:10]
	chart = {
		"data": {
			"labels": [k for k, _v in top],
			"datasets": [{"name": _("Amount"), "values": [v for _k, v in top]}],
		},
		"type": "bar",
	}
	summary = [
		{"value": sum(r.qty for r in data), "label": _("Quantity"), "datatype": "Float"},
		{
			"value": sum(r.amount for r in data),
			"label": _("Amount"),
			"datatype": "Currency",
			"indicator": "Blue",
		},
		{"value": len(by_product), "label": _("Products"), "datatype": "Int"},
	]
	return get_columns(view), data, None, chart if data else None, summary


def get_columns(view: str) -> list[dict]:
	product = [
		{"fieldname": "product", "label": _("Product"), "fieldtype": "Link", "options": "Sales Product", "width": 140},
		{"fieldname": "product_name", "label": _("Product Name"), "fieldtype": "Data", "width": 180},
	]  # fmt: skip
	customer = [
		{"fieldname": "customer", "label": _("Customer"), "fieldtype": "Link", "options": "Customer Account", "width": 140},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 180},
	]  # fmt: skip
	if view == "Detail":
		return [
			{"fieldname": "transaction_date", "label": _("Date"), "fieldtype": "Date", "width": 100},
			{"fieldname": "customer_order", "label": _("Customer Order"), "fieldtype": "Link", "options": "Customer Order", "width": 150},
			*customer,
			{"fieldname": "salesperson", "label": _("Salesperson"), "fieldtype": "Link", "options": "User", "width": 150},
			*product,
			{"fieldname": "qty", "label": _("Quantity"), "fieldtype": "Float", "width": 90},
			{"fieldname": "price", "label": _("Price"), "fieldtype": "Currency", "width": 110},
			{"fieldname": "discount_percent", "label": _("Discount (%)"), "fieldtype": "Percent", "width": 100},
			{"fieldname": "amount", "label": _("Amount"), "fieldtype": "Currency", "width": 120},
		]  # fmt: skip
	figures = [
		{"fieldname": "orders", "label": _("Orders"), "fieldtype": "Int", "width": 80},
		{"fieldname": "qty", "label": _("Quantity"), "fieldtype": "Float", "width": 90},
		{"fieldname": "amount", "label": _("Amount"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "avg_price", "label": _("Average Price"), "fieldtype": "Currency", "width": 120},
	]  # fmt: skip
	if view == "Summary":
		return [*customer, *product, *figures]
	return [
		*product,
		{"fieldname": "customers", "label": _("Customers"), "fieldtype": "Int", "width": 90},
		*figures,
		{"fieldname": "min_price", "label": _("Lowest Price"), "fieldtype": "Currency", "width": 110},
		{"fieldname": "max_price", "label": _("Highest Price"), "fieldtype": "Currency", "width": 110},
	]  # fmt: skip
