from crm_suite.install import seed_defaults


def execute():
	"""Seed editable defaults (roles, categories, pools …) on sites installed before they existed."""
	seed_defaults()
