"""Demo loyalty points and expenses (SPEC SALE-08, SALE-11): a gift catalogue in Chinese, points rules for the
demo products, points switched on (expiring after a year) and a few expense claims awaiting approval:
`bench --site S execute crm_suite.demo.loyalty.load_loyalty_demo`. Idempotent."""

import frappe

from crm_suite.install import ensure_expense_types
from crm_suite.services import loyalty

# gift, points, stock (None: not tracked), description
GIFTS = (
	("定制保温杯", 200, 100, "不锈钢，印公司标志"),
	("品牌雨伞", 300, 80, "自动折叠伞"),
	("蓝牙音箱", 1500, 20, "便携式"),
	("京东购物卡 100 元", 1000, None, "电子卡"),
	("免费上门维护一次", 800, None, "限本市"),
)
# product code → (basis, rate): points per unit, or per yuan of the line's net amount
RULES = {
	"CID-100": ("Per Unit", 20),
	"CID-400": ("Per Unit", 70),
	"TEL-20": ("Per Unit", 25),
	"CRM-SUB": ("Per Amount", 0.1),
}
EXPENSES = (
	("差旅费", 860, "拜访客户往返高铁票"),
	("招待费", 1200, "客户商务午餐"),
	("礼品费", 300, "节日礼品"),
)


def load_loyalty_demo(commit: bool = True) -> dict:
	ensure_expense_types()
	frappe.db.set_single_value("CRM Suite Settings", {"enable_loyalty_points": 1, "points_expiry_days": 365})
	gifts = 0
	for name, cost, stock, description in GIFTS:
		if not frappe.db.exists("Points Gift", name):
			frappe.get_doc(
				{
					"doctype": "Points Gift",
					"gift_name": name,
					"points_cost": cost,
					"track_stock": int(stock is not None),
					"stock_qty": stock or 0,
					"description": description,
				}
			).insert(ignore_permissions=True)
			gifts += 1
	rules = 0
	for code, (basis, rate) in RULES.items():
		product = frappe.db.get_value("Sales Product", {"product_code": code})
		if product:
			rules += loyalty.set_rules_in_bulk([product], None, None, basis, rate)
	expenses = 0
	if not frappe.db.count("Sales Expense"):
		customers = frappe.get_all(
			"Customer Account",
			filters={"salesperson": ("is", "set")},
			fields=["name", "salesperson"],
			limit=3,
		)
		for customer, (expense_type, amount, description) in zip(customers, EXPENSES, strict=False):
			frappe.set_user(customer.salesperson)
			try:
				frappe.get_doc(
					{
						"doctype": "Sales Expense",
						"customer": customer.name,
						"expense_type": expense_type,
						"amount": amount,
						"description": description,
					}
				).insert()
				expenses += 1
			finally:
				frappe.set_user("Administrator")
	if commit:
		frappe.db.commit()
	return {"gifts": gifts, "rules": rules, "expenses": expenses}
