"""Complaint deadlines, escalation targets and contract expiry (SPEC SVC-02, SVC-03), pure: no frappe import.

- A complaint is due `deadline_hours` (its severity's setting) after it was reported.
- An overdue complaint goes up to the manager of its responsible person's department, or of the nearest
  department above it that has one; a manager responsible for a complaint goes to the manager above them.
  The organisation is small (hundreds of staff), so the escalation job works the targets out once per run
  from the whole staff list and applies them to every overdue complaint in one UPDATE.
- A service contract is Expiring from `reminder_days` before its end date, Expired after it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

OPEN_COMPLAINT_STATES = ("Open", "In Progress")
CONTRACT_ACTIVE, CONTRACT_EXPIRING, CONTRACT_EXPIRED = "Active", "Expiring", "Expired"


def complaint_deadline(reported_on: datetime, deadline_hours: int) -> datetime:
	if deadline_hours is None or int(deadline_hours) <= 0:
		raise ValueError("a severity's deadline is a positive number of hours")
	return reported_on + timedelta(hours=int(deadline_hours))


def is_overdue(state: str | None, deadline: datetime | None, now: datetime) -> bool:
	return (state or "Open") in OPEN_COMPLAINT_STATES and deadline is not None and deadline < now


@dataclass(frozen=True)
class Staff:
	user: str
	department: str | None
	manages: bool


@dataclass(frozen=True)
class Department:
	name: str
	parent: str | None


def escalation_targets(staff: Iterable[Staff], departments: Iterable[Department]) -> dict[str, str]:
	"""user → the manager an overdue complaint of theirs goes to (users without one are left out)."""
	parent_of = {d.name: d.parent for d in departments}
	managers_of: dict[str, list[str]] = {}
	staff = list(staff)
	for person in staff:
		if person.manages and person.department:
			managers_of.setdefault(person.department, []).append(person.user)
	targets = {}
	for person in staff:
		department, seen = person.department, set()
		while department and department not in seen:
			seen.add(department)
			candidates = sorted(m for m in managers_of.get(department, ()) if m != person.user)
			if candidates:
				targets[person.user] = candidates[0]
				break
			department = parent_of.get(department)
	return targets


def contract_status(end_date: date, reminder_days: int, today: date) -> str:
	if end_date < today:
		return CONTRACT_EXPIRED
	if (end_date - today).days <= max(int(reminder_days or 0), 0):
		return CONTRACT_EXPIRING
	return CONTRACT_ACTIVE
