"""Customer Order gets transaction_date_index and Customer Points Entry posted_on_index (SPEC RPT-05, RPT-11,
issue 17): an admin's Customer Ranking and Customer Stickiness read one period of orders, and the ranking by
points one period of entries, as index ranges instead of every row. The doctypes' on_doctype_update add them
when synced; the doctypes did not change, so this adds them too."""


def execute():
	from crm_suite.loyalty.doctype.customer_points_entry.customer_points_entry import (
		on_doctype_update as points_indexes,
	)
	from crm_suite.sales_orders.doctype.customer_order.customer_order import (
		on_doctype_update as order_indexes,
	)

	order_indexes()
	points_indexes()
