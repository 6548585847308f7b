"""Rebuilding a report rollup from its raw rows (RPT-02, RPT-07, RPT-08, issue 17).

- `rebuild_by_month`: the resumable rebuild shared by the activity rollups, the follow-ups' month reach and the
  collection rollup — whole calendar months at a time, each chunk in its own transaction together with its
  progress mark (the last day it covers, a site global), so a killed rebuild resumes after the last chunk it
  committed and a finished one clears the mark.
- `queue_rebuild`: queued for CRM Admins, one job per rollup at a time on the long queue."""

import frappe
from frappe.utils import add_days, add_months, get_first_day, get_last_day, getdate

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


def rebuilt_through(progress_key: str):
	"""The last day a running (or killed) rebuild has committed, or None when no rebuild is under way."""
	value = frappe.db.get_global(progress_key)
	return getdate(value) if value else None


def rebuild_by_month(
	progress_key: str,
	bounds: tuple,
	rebuild_range,
	months: int = 1,
	restart: bool = False,
	stop_after_chunks: int | None = None,
	commit=None,
) -> dict:
	"""Call `rebuild_range(start, end)` over the days of `bounds` (first, last; (None, None) when there is
	nothing), `months` calendar months at a time, from the first or after the last chunk a killed run
	committed (unless `restart`). `stop_after_chunks` stops early as a kill would; `commit` ends each chunk's
	transaction (tests pass a no-op or a savepoint)."""
	commit = commit or frappe.db.commit
	first, last = bounds
	if first is None:
		frappe.db.set_global(progress_key, "")
		commit()
		return {"chunks": 0, "done": True}
	start = get_first_day(first)
	done = None if restart else rebuilt_through(progress_key)
	if done:
		start = add_days(done, 1)
	chunks = 0
	while start <= last:
		if stop_after_chunks is not None and chunks >= stop_after_chunks:
			return {"chunks": chunks, "done": False, "rebuilt_through": str(rebuilt_through(progress_key))}
		end = min(get_last_day(add_months(start, months - 1)), last)
		rebuild_range(start, end)
		# the chunk and the progress mark commit together: a kill leaves both or neither
		frappe.db.set_global(progress_key, str(end))
		commit()
		chunks += 1
		start = add_days(end, 1)
	frappe.db.set_global(progress_key, "")
	commit()
	return {"chunks": chunks, "done": True}
