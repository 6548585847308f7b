"""Stock per product and warehouse (SPEC SALE-07): the locked balance beside the sum of the ledger's entries,
which must agree; filtered by product, category (with its subcategories) and warehouse. Stock is not row-scoped:
every CRM role reads it."""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Sum


def execute(filters=None):
	filters = frappe._dict(filters or {})
	columns = [
		{"fieldname": "product", "label": _("Product"), "fieldtype": "Link", "options": "Sales Product", "width": 130},
		{"fieldname": "product_name", "label": _("Product Name"), "fieldtype": "Data", "width": 200},
		{"fieldname": "category", "label": _("Category"), "fieldtype": "Link", "options": "Sales Product Category", "width": 130},
		{"fieldname": "unit", "label": _("Unit"), "fieldtype": "Link", "options": "Product Unit", "width": 70},
		{"fieldname": "warehouse", "label": _("Warehouse"), "fieldtype": "Link", "options": "Product Warehouse", "width": 130},
		{"fieldname": "qty", "label": _("Qty"), "fieldtype": "Float", "width": 100},
		{"fieldname": "ledger_qty", "label": _("Ledger Qty"), "fieldtype": "Float", "width": 110},
	]  # fmt: skip
	balance = frappe.qb.DocType("Product Stock Balance")
	product = frappe.qb.DocType("Sales Product")
	ledger = frappe.qb.DocType("Product Stock Ledger Entry")
	sums = (
		frappe.qb.from_(ledger)
		.select(ledger.product, ledger.warehouse, Sum(ledger.qty_change).as_("total"))
		.groupby(ledger.product, ledger.warehouse)
	)
	if filters.product:
		sums = sums.where(ledger.product == filters.product)
	sums = sums.as_("sums")
	query = (
		frappe.qb.from_(balance)
		.join(product)
		.on(product.name == balance.product)
		.left_join(sums)
		.on((sums.product == balance.product) & (sums.warehouse == balance.warehouse))
		.select(
			balance.product,
			product.product_name,
			product.category,
			product.unit,
			balance.warehouse,
			balance.qty,
			Coalesce(sums.total, 0).as_("ledger_qty"),
		)
		.orderby(balance.product)
		.orderby(balance.warehouse)
	)
	if filters.product:
		query = query.where(balance.product == filters.product)
	if filters.warehouse:
		query = query.where(balance.warehouse == filters.warehouse)
	if filters.category:
		bounds = frappe.db.get_value("Sales Product Category", filters.category, ["lft", "rgt"], as_dict=True)
		if not bounds:
			return columns, []
		category = frappe.qb.DocType("Sales Product Category")
		within = (
			frappe.qb.from_(category)
			.select(category.name)
			.where((category.lft >= bounds.lft) & (category.rgt <= bounds.rgt))
		)
		query = query.where(product.category.isin(within))
	data = query.run(as_dict=True)
	disagree = sum(1 for row in data if abs((row.qty or 0) - (row.ledger_qty or 0)) > 1e-9)
	summary = [
		{"value": len(data), "label": _("Rows"), "datatype": "Int"},
		{
			"value": disagree,
			"label": _("Balances differing from the ledger"),
			"datatype": "Int",
			"indicator": "Red" if disagree else "Green",
		},
	]
	return columns, data, None, None, summary
