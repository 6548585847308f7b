"""Demo products, stock, quotations and orders (SPEC SALE-04, SALE-07), made through the controllers so the
demo shows what a user would make: `bench --site S execute crm_suite.demo.sales_orders.load_sales_demo`.
Idempotent: does nothing when the demo products are there."""

import frappe

from crm_suite.install import DEFAULT_WAREHOUSE, ensure_sales_order_masters

# name, code, category, model, unit, list price, floor price, cost, stocked
PRODUCTS = (
	("来电显示盒", "CID-100", "硬件设备", "CID-100 USB", "台", 199, 150, 90, 1),
	("四路来电显示盒", "CID-400", "硬件设备", "CID-400 USB", "台", 699, 560, 320, 1),
	("办公电话机", "TEL-20", "硬件设备", "T20 有线", "台", 259, 200, 120, 1),
	("CRM 软件年费（每用户）", "CRM-SUB", "软件与服务", "标准版", "套", 980, 800, 0, 0),
	("上门安装调试", "SVC-INST", "软件与服务", "", "次", 500, 300, 0, 0),
	("电话线材", "CAB-5M", "耗材配件", "5 米 RJ11", "箱", 120, 90, 50, 1),
	("耳麦", "HS-01", "耗材配件", "单耳降噪", "个", 89, 60, 35, 1),
)
OPENING_STOCK = {"CID-100": 200, "CID-400": 50, "TEL-20": 120, "CAB-5M": 80, "HS-01": 300}


def load_sales_demo(orders: int = 6, commit: bool = True) -> dict:
	ensure_sales_order_masters()
	if frappe.db.exists("Sales Product", {"product_code": PRODUCTS[0][1]}):
		return {"products": 0}
	if not frappe.db.exists("Product Unit", "次"):
		frappe.get_doc({"doctype": "Product Unit", "unit_name": "次"}).insert(ignore_permissions=True)
	codes = {}
	for name, code, category, model, unit, price, floor, cost, stocked in PRODUCTS:
		codes[code] = (
			frappe.get_doc(
				{
					"doctype": "Sales Product",
					"product_name": name,
					"product_code": code,
					"category": category,
					"model": model,
					"unit": unit,
					"list_price": price,
					"floor_price": floor,
					"cost_price": cost,
					"is_stocked": stocked,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	movement = frappe.get_doc(
		{
			"doctype": "Stock Movement",
			"movement_type": "Stock In",
			"warehouse": DEFAULT_WAREHOUSE,
			"remarks": "期初库存",
			"lines": [{"product": codes[c], "qty": q} for c, q in OPENING_STOCK.items()],
		}
	).insert(ignore_permissions=True)
	movement.submit()
	made = _quotations_and_orders(codes, orders)
	if commit:
		frappe.db.commit()
	return {"products": len(codes), **made}


def _quotations_and_orders(codes: dict, count: int) -> dict:
	from crm_suite.services.sales_orders import make_customer_order

	customers = frappe.get_all(
		"Customer Account",
		filters={"salesperson": ("is", "set")},
		fields=["name", "salesperson"],
		order_by="name asc",
		limit=count,
	)
	quotations = orders = 0
	for i, customer in enumerate(customers):
		frappe.set_user(customer.salesperson)
		try:
			quotation = frappe.get_doc(
				{
					"doctype": "Sales Quotation",
					"customer": customer.name,
					"lines": [
						{"product": codes["CID-400"], "qty": 1 + i % 3, "discount_percent": 5},
						{"product": codes["CRM-SUB"], "qty": 5 + i},
						{"product": codes["SVC-INST"], "qty": 1},
					],
				}
			).insert()
			quotation.submit()
			quotations += 1
			if i % 2 == 0:
				order = make_customer_order(quotation.name)
				order.insert()
				order.submit()
				orders += 1
		finally:
			frappe.set_user("Administrator")
	return {"quotations": quotations, "orders": orders}
