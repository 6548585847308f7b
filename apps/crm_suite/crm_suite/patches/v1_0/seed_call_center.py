from crm_suite.install import ensure_call_center_settings


def execute():
	"""Call Center Settings defaults on sites installed before the call centre (SPEC CALL-03)."""
	ensure_call_center_settings()
