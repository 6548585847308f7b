"""Issue 3 / SPEC ORG-03: the Desk list view's two requests for Customer Account — a page of 20 rows
ordered by `modified` and the count capped at 1001 (as Frappe v15's list view asks) — with row scope,
for a salesperson and for a manager over a ~200-person subtree; baseline: the same requests unscoped
(Administrator), measured in the same run."""

import time

from harness import emit_latency

LIST_FIELDS = [
	"`tabCustomer Account`.`name`",
	"`tabCustomer Account`.`customer_name`",
	"`tabCustomer Account`.`customer_category`",
	"`tabCustomer Account`.`salesperson`",
	"`tabCustomer Account`.`lifecycle_state`",
	"`tabCustomer Account`.`mobile_no_masked`",
	"`tabCustomer Account`.`modified`",
]


def list_requests(frappe):
	from frappe.desk.reportview import execute

	rows = execute(
		"Customer Account",
		fields=LIST_FIELDS,
		order_by="`tabCustomer Account`.`modified` desc",
		page_length=20,
	)
	partial = execute("Customer Account", fields=["`tabCustomer Account`.`name`"], limit=1001, run=0)
	count = frappe.db.sql(f"select count(*) from ({partial}) p")[0][0]
	return rows, count


def measure(frappe, user: str, repeats: int) -> list[float]:
	from crm_suite.permissions.scope import clear_scope_cache

	frappe.set_user(user)
	clear_scope_cache()
	list_requests(frappe)  # warm the scope cache and the buffer pool, as a user's first click does
	samples = []
	for _ in range(repeats):
		began = time.perf_counter()
		rows, count = list_requests(frappe)
		samples.append(time.perf_counter() - began)
	assert rows and count, "the list must return rows"
	frappe.set_user("Administrator")
	return samples


def run(frappe, scale: int, repeats: int = 3, **_):
	from crm_suite.permissions.scope import visible_users

	n = max(50, repeats * 20)
	total = frappe.db.count("Customer Account")
	manager = frappe.db.get_value("Sales Staff", {"manages_subordinates": 1, "enabled": 1}, "user")
	salesperson = frappe.db.get_value(
		"Sales Staff", {"manages_subordinates": 0, "user": ("like", "rep%")}, "user"
	)
	subtree = len(visible_users(manager))
	base = measure(frappe, "Administrator", n)
	for label, user, extra in (
		("salesperson", salesperson, {}),
		("manager", manager, {"subtree_users": subtree}),
	):
		samples = measure(frappe, user, n)
		emit_latency(
			f"list_view_p95_{label}", samples, base, total, "same requests, unscoped (Administrator)", **extra
		)
