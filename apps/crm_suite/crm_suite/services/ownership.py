"""The ownership-change audit trail (SPEC ORG-05): one Customer Ownership Log row per customer moved."""

import secrets
import time

import frappe
from frappe.utils import now_datetime

LOG = "Customer Ownership Log"
LOG_FIELDS = (
	"customer",
	"sales_lead",
	"action",
	"from_salesperson",
	"to_salesperson",
	"from_pool",
	"to_pool",
	"reason",
	"done_by",
	"done_at",
)


def new_row_names(count: int) -> list[str]:
	"""Names for rows written in bulk: the time, 32 random bits naming the batch, then a counter, so a
	batch's rows append to the end of the primary key in order (no page splits in the middle)."""
	prefix, width = row_name_prefix(), counter_width(count)
	return [f"{prefix}{i:0{width}x}" for i in range(count)]


def row_name_prefix() -> str:
	"""The part of `new_row_names` a batch's rows share (also used by rows named server-side)."""
	return f"{time.time_ns():x}{secrets.token_hex(4)}"


def counter_width(count: int) -> int:
	"""Hex digits of the counter after `row_name_prefix` for a batch of `count` rows."""
	return max(6, len(f"{count:x}"))


def log_ownership_changes(rows: list[dict], action: str, reason: str | None = None) -> int:
	"""Insert one log row per entry of `rows` (dicts with customer or sales_lead, from_*/to_*) in one statement."""
	if not rows:
		return 0
	user, at = frappe.session.user, now_datetime()
	table = frappe.qb.DocType("Customer Ownership Log")
	query = frappe.qb.into(table).columns("name", *LOG_FIELDS, "owner", "modified_by", "creation", "modified")
	names = new_row_names(len(rows))
	for name, row in zip(names, rows, strict=True):
		query = query.insert(
			name,
			row.get("customer"),
			row.get("sales_lead"),
			action,
			row.get("from_salesperson"),
			row.get("to_salesperson"),
			row.get("from_pool"),
			row.get("to_pool"),
			row.get("reason", reason),
			user,
			at,
			user,
			user,
			at,
			at,
		)
	query.run()
	run_log_webhooks(names, rows, action, reason, user, at)
	return len(rows)


def run_log_webhooks(names: list[str], rows: list[dict], action: str, reason, user: str, at) -> None:
	"""The rows are written in one statement, not saved one by one, so Frappe's Webhooks on the log's
	`after_insert` (claim, assign, transfer, recycle … to an integrator) are run here, per row, exactly as a
	save would run them: queued, and sent after the commit. Nothing is done when no webhook watches the log."""
	from frappe.integrations.doctype.webhook import get_all_webhooks, run_webhooks

	watching = frappe.get_all("Webhook", filters={"enabled": 1, "webhook_doctype": LOG}, pluck="name")
	if not watching:
		return
	cached = frappe.cache.get_value("webhooks", get_all_webhooks).get(LOG) or []
	if {w.name for w in cached} != set(watching):  # a stale cached list (see below): read it again
		frappe.cache.delete_value("webhooks")
	for name, row in zip(names, rows, strict=True):
		doc = frappe.get_doc(
			{
				"doctype": LOG,
				**{field: row.get(field) for field in LOG_FIELDS},
				"action": action,
				"reason": row.get("reason", reason),
				"done_by": user,
				"done_at": at,
			}
		)
		doc.name, doc.owner, doc.creation = name, user, at
		doc.flags.in_insert = True
		run_webhooks(doc, "after_insert")


def clear_webhook_cache_after_commit(doc=None, method=None) -> None:
	"""Webhook on_update / on_trash: Frappe drops its cached list of webhooks before the change commits, so a
	job or request reading it in between caches the old list again — and new webhooks stay silent until the
	next webhook is saved. Dropping it once more after the commit closes that window."""
	frappe.db.after_commit.add(lambda: frappe.cache.delete_value("webhooks"))
