"""Module switches (SPEC ORG-04, the Odoo "apps" idea): which business modules a team uses. Pure: no frappe.

A switch names the suite's Frappe modules it turns on and off and the switches it needs; the core (organisation,
customers) is always on. Switching one off hides it and blocks its doctypes for non-admins; switching it on again
finds everything as it was (nothing is deleted)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Switch:
	key: str  # the settings field is f"module_{key}"
	label: str
	modules: tuple[str, ...]
	needs: tuple[str, ...] = ()


SWITCHES = (
	Switch("pools", "Pools", ("Pools",)),
	Switch("follow_up", "Follow Up", ("Follow Up",)),
	Switch("sales", "Sales", ("Sales",)),
	Switch("orders", "Orders & Payments", ("Sales Orders",), needs=("sales",)),
	Switch("loyalty", "Loyalty", ("Loyalty",), needs=("orders",)),
	Switch("call_center", "Call Center", ("Call Center",)),
	Switch("marketing", "Marketing", ("Marketing",), needs=("sales",)),
	Switch("service", "Service", ("Service",)),
	Switch("decision_centre", "Decision Centre", ("Decision Centre",)),
)
BY_KEY = {s.key: s for s in SWITCHES}
ALWAYS_ON = ("CRM Core", "Customers")


def field(key: str) -> str:
	return f"module_{key}"


def unmet_needs(on: set[str]) -> list[tuple[str, str]]:
	"""(switch, needed switch) for every switch that is on while a switch it needs is off."""
	return [(s.key, need) for s in SWITCHES if s.key in on for need in s.needs if need not in on]


def dependants(key: str) -> list[str]:
	"""The switches that need `key`, directly or through others."""
	found: list[str] = []
	frontier = [key]
	while frontier:
		current = frontier.pop()
		for s in SWITCHES:
			if current in s.needs and s.key not in found:
				found.append(s.key)
				frontier.append(s.key)
	return found


def off_modules(on: set[str]) -> frozenset[str]:
	"""The Frappe modules of the switches that are off."""
	return frozenset(m for s in SWITCHES if s.key not in on for m in s.modules)


def job_switch(job: str) -> str | None:
	"""The switch a scheduled job of `tasks.py` belongs to (None: always runs)."""
	return JOBS.get(job)


JOBS = {
	"recycle_overdue": "pools",
	"mark_missed_calls": "call_center",
	"purge_old_recordings": "call_center",
	"flag_overdue_opportunities": "sales",
	"flag_overdue_visit_plans": "follow_up",
	"flag_overdue_instalments": "orders",
	"remind_contract_renewals": "orders",
	"expire_points": "loyalty",
	"run_reminders": "follow_up",
	"escalate_overdue_complaints": "service",
	"remind_expiring_service_contracts": "service",
}
