"""Demo visit plans (SPEC FUP-03): a few per demo salesperson around today, on their own customers, so the
calendar and the overdue run have something to show. Idempotent: a salesperson with plans gets no more."""

import frappe
from frappe.utils import add_days, today

# (days from today, start time, subject, key plan)
PLANS = (
	(-2, "10:00:00", "上门拜访，了解采购计划", 0),
	(0, "09:30:00", "电话回访报价反馈", 0),
	(1, "14:00:00", "产品演示", 1),
	(3, "15:00:00", "签约前商务沟通", 1),
)


def load_visit_plans(salespeople: list[str]) -> int:
	made = 0
	visit = frappe.db.get_value("Follow Up Method", {"is_visit": 1}) or None
	for user in salespeople:
		if frappe.db.exists("Visit Plan", {"salesperson": user}):
			continue
		customers = frappe.get_all(
			"Customer Account",
			filters={"salesperson": user},
			pluck="name",
			order_by="name asc",
			limit=len(PLANS),
		)
		for (days, start, subject, key), customer in zip(PLANS, customers, strict=False):
			frappe.get_doc(
				{
					"doctype": "Visit Plan",
					"customer": customer,
					"salesperson": user,
					"subject": subject,
					"method": visit,
					"planned_date": add_days(today(), days),
					"start_time": start,
					"is_key": key,
				}
			).insert(ignore_permissions=True)
			made += 1
	return made
