from crm_suite.install import ensure_knowledge_categories


def execute():
	"""The knowledge base's default categories (SPEC SVC-04) on sites installed before them."""
	ensure_knowledge_categories()
