from crm_suite.install import ensure_knowledge_categories, ensure_roles, ensure_service_masters


def execute():
	"""On sites installed before the service module: the engineer role, the complaint categories and severities
	(SPEC SVC-02, SVC-03) and the knowledge base's default categories (SVC-04)."""
	ensure_roles()
	ensure_service_masters()
	ensure_knowledge_categories()
