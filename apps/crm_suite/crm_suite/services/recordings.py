"""Call recordings (SPEC CALL-05): attached per call record; deleted after the retention period."""

import frappe
from frappe.utils import add_days, now_datetime

from crm_suite.services.call_center import call_settings


def purge_old_recordings(days: int | None = None) -> int:
	"""Delete recording files of calls older than `days` (settings when None; 0 keeps everything)."""
	days = call_settings().recording_retention_days if days is None else days
	if not days or days <= 0:
		return 0
	cutoff = add_days(now_datetime(), -days)
	call = frappe.qb.DocType("Phone Call Record")
	calls = (
		frappe.qb.from_(call)
		.select(call.name)
		.where(call.recording.isnotnull() & (call.recording != "") & (call.start_time < cutoff))
		.run(pluck=True)
	)
	if not calls:
		return 0
	files = frappe.get_all(
		"File",
		filters={"attached_to_doctype": "Phone Call Record", "attached_to_name": ["in", calls]},
		fields=["name", "attached_to_name"],
	)
	failed = set()
	for file in files:
		# File.on_trash removes the bytes from disk; each file on its own so one bad file stops nothing.
		frappe.db.savepoint("recording_purge")
		try:
			frappe.delete_doc("File", file.name, ignore_permissions=True, delete_permanently=True)
		except Exception:
			frappe.db.rollback(save_point="recording_purge")
			# the call keeps its recording reference, so the next run tries this file again
			failed.add(file.attached_to_name)
			frappe.log_error(title=f"Recording cleanup failed for {file.name} of {file.attached_to_name}")
	cleared = [c for c in calls if c not in failed]
	if cleared:
		frappe.qb.update(call).set(call.recording, None).where(call.name.isin(cleared)).run()
	return len(cleared)
