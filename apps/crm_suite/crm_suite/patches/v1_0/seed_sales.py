from crm_suite.install import ensure_sales_defaults


def execute():
	"""The default sales process, its Kanban board and the loss reasons (SPEC SALE-02) on existing sites."""
	ensure_sales_defaults()
