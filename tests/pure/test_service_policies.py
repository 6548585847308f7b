"""Complaint deadlines, escalation targets and contract expiry (SPEC SVC-02, SVC-03): pure policy."""

from datetime import date, datetime

import pytest
from crm_suite.policies.service import (
	Department,
	Staff,
	complaint_deadline,
	contract_status,
	escalation_targets,
	is_overdue,
)

REPORTED = datetime(2026, 12, 7, 9, 30)


@pytest.mark.parametrize(
	"hours, due", [(4, datetime(2026, 12, 7, 13, 30)), (72, datetime(2026, 12, 10, 9, 30))]
)
def test_deadline_is_the_severitys_hours_after_the_report(hours, due):
	assert complaint_deadline(REPORTED, hours) == due


@pytest.mark.parametrize("hours", [0, -1, None])
def test_a_severity_without_positive_hours_is_refused(hours):
	with pytest.raises(ValueError):
		complaint_deadline(REPORTED, hours)


@pytest.mark.parametrize(
	"state, overdue", [("Open", True), ("In Progress", True), ("Resolved", False), ("Closed", False)]
)
def test_only_open_complaints_past_their_deadline_are_overdue(state, overdue):
	assert is_overdue(state, REPORTED, datetime(2026, 12, 8)) is overdue
	assert is_overdue(state, datetime(2026, 12, 9), datetime(2026, 12, 8)) is False


DEPARTMENTS = [
	Department("All", None),
	Department("Sales", "All"),
	Department("Team 1", "Sales"),
	Department("Team 2", "Sales"),
]


def test_escalation_goes_to_the_nearest_manager_above():
	staff = [
		Staff("ceo", "All", True),
		Staff("head", "Sales", True),
		Staff("lead1", "Team 1", True),
		Staff("a", "Team 1", False),
		Staff("b", "Team 2", False),
		Staff("loner", None, False),
	]
	targets = escalation_targets(staff, DEPARTMENTS)
	assert targets["a"] == "lead1"  # own team's manager
	assert targets["b"] == "head"  # team 2 has none: the department above
	assert targets["lead1"] == "head"  # a manager goes to the manager above them
	assert targets["head"] == "ceo"
	assert "ceo" not in targets and "loner" not in targets


def test_escalation_survives_a_cycle_in_the_department_tree():
	cyclic = [Department("X", "Y"), Department("Y", "X")]
	assert escalation_targets([Staff("a", "X", False)], cyclic) == {}


@pytest.mark.parametrize(
	"end, days, status",
	[
		(date(2026, 12, 6), 30, "Expired"),
		(date(2026, 12, 7), 30, "Expiring"),
		(date(2027, 1, 6), 30, "Expiring"),
		(date(2027, 1, 7), 30, "Active"),
		(date(2026, 12, 8), 0, "Active"),
	],
)
def test_contract_status_from_its_end_and_reminder_days(end, days, status):
	assert contract_status(end, days, date(2026, 12, 7)) == status
