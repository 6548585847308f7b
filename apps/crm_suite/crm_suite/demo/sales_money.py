"""Demo contracts, payment plans, payments received and a refund (SPEC SALE-05, SALE-06), made through the
controllers and the approval workflow: `bench --site S execute crm_suite.demo.sales_money.load_money_demo`.
Idempotent: does nothing when the demo has payments."""

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, flt, today


def load_money_demo(commit: bool = True) -> dict:
	if frappe.db.exists("Customer Payment", {"docstatus": 1}):
		return {"payments": 0}
	orders = frappe.get_all(
		"Customer Order",
		filters={"docstatus": 1},
		fields=["name", "customer", "grand_total"],
		order_by="name asc",
		limit=6,
	)
	made = {"contracts": 0, "plans": 0, "payments": 0, "refunds": 0}
	for i, order in enumerate(orders):
		contract = frappe.get_doc(
			{
				"doctype": "Sales Contract",
				"contract_title": f"产品购销合同（{order.name}）",
				"customer": order.customer,
				"customer_order": order.name,
				"signed_on": add_days(today(), -20),
				"start_date": add_days(today(), -20),
				"end_date": add_days(today(), 25 if i == 0 else 345),
				"contract_amount": order.grand_total,
				"customer_signer": "采购部 王经理",
			}
		).insert(ignore_permissions=True)
		apply_workflow(contract, "Approve")
		made["contracts"] += 1
		half = flt(order.grand_total / 2, 2)
		plan = frappe.get_doc(
			{
				"doctype": "Payment Plan",
				"customer_order": order.name,
				"instalments": [
					{"due_date": add_days(today(), -10), "amount": half},
					{"due_date": add_days(today(), 30), "amount": flt(order.grand_total - half, 2)},
				],
			}
		).insert(ignore_permissions=True)
		made["plans"] += 1
		if i % 3 == 2:
			continue  # left unpaid: its first instalment shows as overdue after the daily run
		payment = frappe.get_doc(
			{
				"doctype": "Customer Payment",
				"customer": order.customer,
				"payment_plan": plan.name,
				"plan_instalment": plan.instalments[0].name,
				"amount": half,
				"payment_method": "Bank Transfer",
				"reference_no": f"DEMO-{i + 1:04d}",
			}
		).insert(ignore_permissions=True)
		payment.submit()
		made["payments"] += 1
		if i == 1:
			frappe.get_doc(
				{
					"doctype": "Customer Refund",
					"customer": order.customer,
					"customer_payment": payment.name,
					"amount": flt(half / 10, 2),
					"reason": "部分设备退货",
				}
			).insert(ignore_permissions=True).submit()
			made["refunds"] += 1
	from crm_suite.services.sales_money import flag_overdue_instalments

	flag_overdue_instalments()
	if commit:
		frappe.db.commit()
	return made
