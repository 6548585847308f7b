"""The ownership-change audit trail (SPEC ORG-05): one Customer Ownership Log row per customer moved."""

import frappe
from frappe.utils import now_datetime

LOG_FIELDS = (
	"customer", "action", "from_salesperson", "to_salesperson", "from_pool", "to_pool", "reason",
	"done_by", "done_at",
)


def log_ownership_changes(rows: list[dict], action: str, reason: str | None = None) -> int:
	"""Insert one log row per entry of `rows` (dicts with customer/from_*/to_*) in one statement."""
	if not rows:
		return 0
	user, at = frappe.session.user, now_datetime()
	table = frappe.qb.DocType("Customer Ownership Log")
	query = frappe.qb.into(table).columns(*LOG_FIELDS, "owner", "modified_by", "creation", "modified")
	for row in rows:
		query = query.insert(
			row["customer"], action, row.get("from_salesperson"), row.get("to_salesperson"),
			row.get("from_pool"), row.get("to_pool"), row.get("reason", reason), user, at, user, user, at, at,
		)
	query.run()
	return len(rows)
