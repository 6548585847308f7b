from crm_suite.install import ensure_expense_types


def execute():
	"""The default expense types (SPEC SALE-11) on sites installed before them."""
	ensure_expense_types()
