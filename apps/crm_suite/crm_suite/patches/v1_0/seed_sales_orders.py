from crm_suite.install import ensure_sales_order_masters


def execute():
	"""Units, product categories and the default warehouse (SPEC SALE-07) on sites installed before them."""
	ensure_sales_order_masters()
