"""First-run setup (issue 19, ORG-01): Frappe's Module Onboarding *CRM Setup* on the CRM Setup workspace, its
steps marked done from the data — a step is done when the team's own records exist, however they were made
(the step's form, a list, an import, the API) — not when someone clicks it."""

import frappe

ONBOARDING = "CRM Setup"


def _done_departments() -> bool:
	# beyond the root every site starts with
	return frappe.db.count("Sales Department") > 1 and frappe.db.count("Sales Position") > 0


def _changed_since_seeded(doctype: str) -> bool:
	"""A record added, or a seeded one edited."""
	table = frappe.qb.DocType(doctype)
	rows = frappe.qb.from_(table).select(table.name).where(table.modified > table.creation).limit(1).run()
	return bool(rows) or frappe.db.count(doctype) > 1


def _done_phone_lines() -> bool:
	return bool(frappe.db.exists("Phone Line", {"device_user": ("is", "set")}))


CHECKS = {
	"CRM Departments and Positions": _done_departments,
	"CRM Sales Staff": lambda: frappe.db.count("Sales Staff") > 0,
	"CRM Pools and Rules": lambda: _changed_since_seeded("Pool Strategy")
	or frappe.db.count("Customer Pool") > 2,
	"CRM Sales Process": lambda: _changed_since_seeded("Sales Process"),
	"CRM Phone Lines": _done_phone_lines,
	"CRM Import Customers": lambda: frappe.db.count("Customer Import Batch") > 0,
}
# the doctypes whose saves may complete a step (hooks.doc_events)
WATCHED = (
	"Sales Department",
	"Sales Position",
	"Sales Staff",
	"Pool Strategy",
	"Customer Pool",
	"Sales Process",
	"Phone Line",
	"Customer Import Batch",
)


def sync_steps(*_args, **_kwargs) -> list[str]:
	"""Mark the open steps whose data now exists as done (and the onboarding when all are); returns the steps
	marked. Cheap when everything is done: one query."""
	open_steps = frappe.get_all(
		"Onboarding Step",
		filters={"name": ("in", list(CHECKS)), "is_complete": 0, "is_skipped": 0},
		pluck="name",
	)
	done = [step for step in open_steps if CHECKS[step]()]
	for step in done:
		frappe.db.set_value("Onboarding Step", step, "is_complete", 1, update_modified=False)
	if done and frappe.db.exists("Module Onboarding", ONBOARDING):
		frappe.get_doc("Module Onboarding", ONBOARDING).check_completion()
	return done
