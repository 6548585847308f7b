"""The reminder table's indexes for the run at a million customers (SPEC FUP-04): (user, status, kind, is_key)
replaces (user, status, kind), so that My Day's key count and the managers' team counts are read from the
index alone; (status, kind, snoozed_until) replaces (status, snoozed_until), so that each settle statement
reads the open reminders of its kind only, not every reminder ever made; customers get (protected_until), so
that "recycled once the protection ends" is a range of the few protected customers."""

import frappe

from crm_suite.follow_up.doctype.follow_up_reminder.follow_up_reminder import INDEXES, RETIRED_INDEXES
from crm_suite.services.indexes import add_lasting_index

REMINDER = "Follow Up Reminder"


def execute():
	# the indexes the engine's kinds name in FORCE INDEX (services/reminders.py), made by the doctypes'
	# on_doctype_update on new sites; added here too, so that no site runs a hint naming an index it lacks
	frappe.db.add_index(
		"Customer Account",
		["customer_pool", "lifecycle_state", "claimed_on", "last_contact_on"],
		"pool_state_claimed_index",
	)
	frappe.db.add_index("Visit Plan", ["status", "overdue_notified", "planned_date"])
	frappe.db.add_index("Payment Plan Instalment", ["status", "due_date"])
	add_lasting_index("Customer Account", "protected_until")
	for fields in INDEXES:
		frappe.db.add_index(REMINDER, fields)
	drops = [
		f"drop index `{name}`" for name in RETIRED_INDEXES if frappe.db.has_index(f"tab{REMINDER}", name)
	]
	if drops:
		frappe.db.sql_ddl(f"alter table `tab{REMINDER}` {', '.join(drops)}")
