from crm_suite.install import ensure_roles, ensure_service_masters


def execute():
	"""The engineer role and the complaint categories and severities (SPEC SVC-02, SVC-03) on older sites."""
	ensure_roles()
	ensure_service_masters()
