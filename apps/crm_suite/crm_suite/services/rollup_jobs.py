"""Rebuilding a report rollup from its raw rows, queued for CRM Admins (RPT-02, RPT-07, RPT-08): one job per
rollup at a time on the long queue; a rebuild commits one month at a time, so a killed one resumes after the
months it committed unless `restart`."""

import frappe

from crm_suite.permissions.roles import ADMIN_ROLES, require_roles


def queue_rebuild(method: str, restart=False) -> dict:
	"""Queue `method` (a rollup module's `rebuild`, e.g. crm_suite.services.collection_rollup.rebuild) as the
	one job `crm_suite:<module>_rebuild`; {"queued": False} when that job is already waiting or running."""
	require_roles(*ADMIN_ROLES)
	module = method.rsplit(".", 2)[-2]
	job = frappe.enqueue(
		method,
		queue="long",
		timeout=3600,
		job_id=f"crm_suite:{module}_rebuild",
		deduplicate=True,
		restart=bool(frappe.utils.cint(restart)),
	)
	return {"queued": job is not None}
