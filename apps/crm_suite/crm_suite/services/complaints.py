"""Customer complaints (客户投诉, SPEC SVC-02).

- A complaint belongs to its customer's salesperson (copied when the customer is set, and following the
  customer to a new salesperson: services/customer_followers.py); its responsible person defaults to that
  salesperson, their department to the person's. Its deadline is its severity's hours
  (Complaint Severity.deadline_hours, the settings) after it was reported.
- Handling (workflow "Customer Complaint Handling", fixtures/workflow.json): Open → In Progress → Resolved →
  Closed, reopened from Resolved; closing needs the customer's satisfaction.
- The handling record (Complaint Handling Step rows) is only appended: by `add_step` (the endpoint), and by
  the system for a state change, a change of the responsible person (audited) and an escalation. A save that
  edits, removes or adds rows by hand is refused.
- Escalation (hourly job): overdue open complaints go to the manager above their responsible person
  (policies/service.py), set-based and in one transaction: each manager gets one notice with the count,
  every escalated complaint one handling step, and the complaints are marked escalated and announced in one
  UPDATE. A run killed anywhere converges on the next without a second notice.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Max
from frappe.utils import flt, get_datetime, now_datetime

from crm_suite.policies.service import (
	OPEN_COMPLAINT_STATES,
	Department,
	Staff,
	complaint_deadline,
	escalation_targets,
)
from crm_suite.services.notify import notify_users

COMPLAINT = "Customer Complaint"
STEP = "Complaint Handling Step"
CLOSED = "Closed"
ESCALATION_NOTICE = "{0} overdue complaints of your team have been escalated to you."


class HandlingRecordLocked(frappe.ValidationError):
	pass


class SatisfactionRequired(frappe.ValidationError):
	pass


class ComplaintClosed(frappe.ValidationError):
	pass


class InvalidComplaint(frappe.ValidationError):
	pass


# ---------------------------------------------------------------------------------------------------------
# The document


def validate_complaint(doc):
	set_salesperson(doc)
	check_customer_access(doc)
	set_responsible(doc)
	set_deadline(doc)
	protect_handling_record(doc)
	check_closing(doc)


def set_salesperson(doc):
	if doc.is_new() or doc.has_value_changed("customer"):
		owner = frappe.db.get_value("Customer Account", doc.customer, ["salesperson", "sales_department"])
		doc.salesperson, doc.sales_department = owner or (None, None)
		doc.salesperson = doc.salesperson or frappe.session.user


def check_customer_access(doc):
	"""The customer is one the user may read (SPEC ORG-03)."""
	if doc.customer and (doc.is_new() or doc.has_value_changed("customer")):
		frappe.has_permission("Customer Account", "read", doc.customer, throw=True)


def set_responsible(doc):
	doc.responsible_person = doc.responsible_person or doc.salesperson
	if doc.responsible_person and (doc.is_new() or doc.has_value_changed("responsible_person")):
		if not frappe.db.exists("User", {"name": doc.responsible_person, "enabled": 1}):
			frappe.throw(
				_("{0} is not an active user.").format(doc.responsible_person),
				InvalidComplaint,
				title=_("Invalid Input"),
			)
		department = frappe.db.get_value("Sales Staff", doc.responsible_person, "sales_department")
		if doc.is_new() and doc.responsible_department:
			return
		doc.responsible_department = department or doc.responsible_department


def set_deadline(doc):
	if not (doc.is_new() or doc.has_value_changed("severity") or doc.has_value_changed("reported_on")):
		return
	hours, enabled = frappe.db.get_value(
		"Complaint Severity", doc.severity, ["deadline_hours", "enabled"]
	) or (
		0,
		0,
	)
	if not enabled or not hours or hours <= 0:
		frappe.throw(
			_("Severity {0} is not active or has no handling deadline.").format(doc.severity),
			InvalidComplaint,
			title=_("Invalid Input"),
		)
	doc.reported_on = doc.reported_on or now_datetime()
	doc.deadline = complaint_deadline(get_datetime(doc.reported_on), hours)
	if doc.deadline > now_datetime():
		# a new, later deadline: the complaint may be escalated (and announced) again when it passes
		doc.escalated = doc.escalation_notified = 0
		doc.escalated_to = doc.escalated_on = None


def _step_key(row) -> tuple:
	return (row.name, row.step_by, str(get_datetime(row.step_on)), row.action or "", row.note or "")


def protect_handling_record(doc):
	"""The rows of the handling record are the stored ones, untouched: only the service appends."""
	if doc.is_new():
		doc.handling_steps = []
		return
	step = frappe.qb.DocType(STEP)
	stored = (
		frappe.qb.from_(step)
		.select(step.name, step.step_by, step.step_on, step.action, step.note)
		.where((step.parent == doc.name) & (step.parenttype == COMPLAINT))
		.orderby(step.idx)
		.run(as_dict=True)
	)
	if [_step_key(r) for r in stored] != [_step_key(r) for r in doc.handling_steps]:
		frappe.throw(
			_("The handling record cannot be edited: add a step with Add Handling Step."),
			HandlingRecordLocked,
			title=_("Not Allowed"),
		)


def check_closing(doc):
	if doc.workflow_state != CLOSED or not doc.has_value_changed("workflow_state"):
		return
	if flt(doc.satisfaction) <= 0:
		frappe.throw(
			_("Record the customer's satisfaction before closing the complaint."),
			SatisfactionRequired,
			title=_("Satisfaction Missing"),
		)
	doc.closed_on = now_datetime()


def record_changes(doc):
	"""on_update: state changes and a new responsible person go into the handling record (who / when)."""
	if doc.is_new() or doc.flags.in_insert:
		append_step(doc, _("Registered"), doc.subject)
		return
	if doc.has_value_changed("workflow_state"):
		append_step(
			doc, _(doc.workflow_state or "Open"), doc.resolution if doc.workflow_state == "Resolved" else ""
		)
	if doc.has_value_changed("responsible_person"):
		before = doc.get_doc_before_save()
		append_step(
			doc,
			_("Responsible person changed"),
			_("{0} → {1}").format(before.responsible_person or "-", doc.responsible_person or "-"),
		)


def append_step(doc, action: str, note: str | None = None):
	"""Append one step to the stored record and to `doc` in memory (so the form it returns shows it)."""
	step = frappe.qb.DocType(STEP)
	last = (
		frappe.qb.from_(step)
		.select(Max(step.idx))
		.where((step.parent == doc.name) & (step.parenttype == COMPLAINT))
		.run()
	)
	row = doc.append(
		"handling_steps",
		{
			"step_on": now_datetime(),
			"step_by": frappe.session.user,
			"action": action,
			"note": note or "",
		},
	)
	row.idx = (last[0][0] or 0) + 1
	row.db_insert()
	return row


def add_step(complaint: str, note: str, action: str | None = None) -> dict:
	"""A handling step by the session user, on a complaint they may change; never on a closed one."""
	note = (note or "").strip()
	if not note:
		frappe.throw(_("Describe what was done."), InvalidComplaint, title=_("Invalid Input"))
	if not frappe.db.exists(COMPLAINT, complaint):
		frappe.throw(_("Complaint {0} not found.").format(complaint), frappe.DoesNotExistError)
	doc = frappe.get_doc(COMPLAINT, complaint)
	doc.check_permission("write")
	# one step at a time per complaint: the idx of concurrent appends cannot collide
	state = frappe.db.get_value(COMPLAINT, complaint, "workflow_state", for_update=True)
	if state == CLOSED:
		frappe.throw(_("Complaint {0} is closed.").format(complaint), ComplaintClosed, title=_("Not Allowed"))
	row = append_step(doc, (action or "").strip()[:140] or _("Handling"), note)
	frappe.db.set_value(COMPLAINT, complaint, "modified", now_datetime(), update_modified=False)
	return row.as_dict()


# ---------------------------------------------------------------------------------------------------------
# Escalation


def _targets() -> dict[str, str]:
	staff = frappe.qb.DocType("Sales Staff")
	dept = frappe.qb.DocType("Sales Department")
	people = [
		Staff(r.user, r.sales_department, bool(r.manages_subordinates))
		for r in frappe.qb.from_(staff)
		.select(staff.user, staff.sales_department, staff.manages_subordinates)
		.where(staff.enabled == 1)
		.run(as_dict=True)
	]
	departments = [
		Department(r.name, r.parent_sales_department)
		for r in frappe.qb.from_(dept).select(dept.name, dept.parent_sales_department).run(as_dict=True)
	]
	return escalation_targets(people, departments)


def _manager_of(targets: dict[str, str]) -> tuple[str, list]:
	"""SQL for the escalation target of complaint `c`: the manager above its responsible person, else above
	its salesperson — a CASE over the (few hundred) staff, evaluated on the row already read (a join to the
	targets as a derived table gets no key on MariaDB 10.11 and scans it per complaint). The literals compare
	in the column's collation."""
	if not targets:
		return "NULL", []
	cases = " ".join(["WHEN %s THEN %s"] * len(targets))
	return f"CASE COALESCE(c.responsible_person, c.salesperson) {cases} ELSE NULL END", [
		v for pair in targets.items() for v in pair
	]


# the overdue complaints' index, named in each statement: the states first, so that MariaDB reads two ranges
# (state, 0, < now) — on (escalated, …) it prefers the ref on escalated = 0 (every complaint not escalated),
# and without the name it scans the table (it estimates the ranges high, and avoids an index whose key an
# UPDATE changes)
OVERDUE_INDEX = "workflow_state_escalated_deadline_index"


def _overdue(now) -> tuple[str, list]:
	"""Open complaints past their deadline, not escalated yet: two ranges of OVERDUE_INDEX."""
	states = ", ".join(["%s"] * len(OPEN_COMPLAINT_STATES))
	return (
		f"c.escalated = 0 AND c.workflow_state IN ({states}) AND c.deadline < %s",
		[*OPEN_COMPLAINT_STATES, now],
	)


def _mark_escalated(manager: str, manager_values: list, now, notified: int) -> int:
	"""One UPDATE on the overdue index: every overdue open complaint escalated to its manager (`manager`, the
	SQL of _manager_of), announced or not; returns the rows marked."""
	where, where_values = _overdue(now)
	frappe.db.sql(
		f"""
		UPDATE `tabCustomer Complaint` c FORCE INDEX ({OVERDUE_INDEX})
		SET c.escalated = 1, c.escalated_to = {manager}, c.escalated_on = %s, c.escalation_notified = {int(notified)}
		WHERE {where}
		""",
		(*manager_values, now, *where_values),
	)
	return frappe.db.sql("SELECT ROW_COUNT()")[0][0]


def mark_overdue(now=None) -> int:
	"""One UPDATE: open complaints past their deadline, not escalated yet, get their escalation target (the
	manager above the responsible person, else above the salesperson), not announced yet. The first half of
	the two-step run (`announce_escalations` is the second); returns the rows marked."""
	now = get_datetime(now or now_datetime())
	manager, manager_values = _manager_of(_targets())
	return _mark_escalated(manager, manager_values, now, notified=0)


def _escalation_step_texts() -> dict:
	lang = frappe.db.get_default("lang") or "en"
	return {
		"action": _("Escalated (overdue)", lang=lang),
		"nobody": _("no manager above the responsible person", lang=lang),
	}


# the handling step an escalation writes: named after the complaint and the escalation's time, so a complaint
# escalated again after a new deadline gets a step of its own, and a step is never written twice
_STEP_COLUMNS = """(name, creation, modified, owner, modified_by, docstatus, parent, parenttype, parentfield, idx,
	step_on, step_by, action, note)"""
_NEXT_IDX = """(SELECT COALESCE(MAX(s.idx), 0) + 1 FROM `tabComplaint Handling Step` s
	WHERE s.parent = c.name AND s.parenttype = 'Customer Complaint')"""


def announce_escalations(now=None) -> dict[str, int]:
	"""The second half of the two-step run, for complaints marked and not announced (by `mark_overdue`, or a
	run that died after marking). In one transaction: count them per manager (rows locked), write each one
	handling step, mark them announced, notify each manager once. Returns {manager: count}."""
	now = get_datetime(now or now_datetime())
	c = frappe.qb.DocType(COMPLAINT)
	unannounced = (c.escalated == 1) & (c.escalation_notified == 0)
	counts = dict(
		frappe.qb.from_(c)
		.select(c.escalated_to, Count("*"))
		.where(unannounced)
		.groupby(c.escalated_to)
		.for_update()
		.run()
	)
	if not counts:
		return {}
	frappe.db.sql(
		f"""
		INSERT INTO `tabComplaint Handling Step` {_STEP_COLUMNS}
		SELECT CONCAT(c.name, '-ESC-', UNIX_TIMESTAMP(c.escalated_on)), %(now)s, %(now)s, 'Administrator',
			'Administrator', 0, c.name, 'Customer Complaint', 'handling_steps', {_NEXT_IDX},
			%(now)s, 'Administrator', %(action)s, COALESCE(c.escalated_to, %(nobody)s)
		FROM `tabCustomer Complaint` c
		WHERE c.escalated = 1 AND c.escalation_notified = 0
		""",
		{"now": now, **_escalation_step_texts()},
	)
	frappe.qb.update(c).set(c.escalation_notified, 1).where(unannounced).run()
	managers = {user: n for user, n in counts.items() if user}
	notify_users(managers, ESCALATION_NOTICE, COMPLAINT, link="/app/customer-complaint?escalated=1")
	return managers


def escalate_overdue_complaints(now=None, commit: bool = False) -> dict[str, int]:
	"""The hourly run, one transaction: a run killed anywhere leaves nothing behind, and the next does it all
	once. Complaints a run of the two-step job marked without announcing are announced first; then, over the
	overdue complaints (a range of the (escalated, workflow_state, deadline) index, rows locked as they are
	counted): one count per responsible person, one INSERT … SELECT of their handling steps, one UPDATE that
	marks them escalated and announced — each complaint row written once — and one notice per manager.
	Returns {manager: count}."""
	now = get_datetime(now or now_datetime())
	announced = announce_escalations(now)
	targets = _targets()
	manager, manager_values = _manager_of(targets)
	where, where_values = _overdue(now)
	# rows locked as they are counted, per responsible person (else salesperson); their managers in Python
	per_person = frappe.db.sql(
		f"""SELECT COALESCE(c.responsible_person, c.salesperson), COUNT(*) FROM `tabCustomer Complaint` c
		FORCE INDEX ({OVERDUE_INDEX}) WHERE {where} GROUP BY 1 FOR UPDATE""",
		where_values,
	)
	if per_person:
		texts = _escalation_step_texts()
		frappe.db.sql(
			f"""
			INSERT INTO `tabComplaint Handling Step` {_STEP_COLUMNS}
			SELECT CONCAT(c.name, '-ESC-', UNIX_TIMESTAMP(%s)), %s, %s, 'Administrator', 'Administrator', 0,
				c.name, 'Customer Complaint', 'handling_steps', {_NEXT_IDX}, %s, 'Administrator', %s,
				COALESCE({manager}, %s)
			FROM `tabCustomer Complaint` c FORCE INDEX ({OVERDUE_INDEX})
			WHERE {where}
			""",
			(now, now, now, now, texts["action"], *manager_values, texts["nobody"], *where_values),
		)
		_mark_escalated(manager, manager_values, now, notified=1)
		managers: dict[str, int] = {}
		for person, n in per_person:
			if target := targets.get(person):
				managers[target] = managers.get(target, 0) + n
		notify_users(managers, ESCALATION_NOTICE, COMPLAINT, link="/app/customer-complaint?escalated=1")
		for user, n in managers.items():
			announced[user] = announced.get(user, 0) + n
	if commit:
		frappe.db.commit()
	return announced


def escalate_per_document(now=None, limit: int | None = None) -> int:
	"""The per-document way (each complaint loaded and changed on its own): the benchmark's baseline only."""
	now = get_datetime(now or now_datetime())
	targets = _targets()
	c = frappe.qb.DocType(COMPLAINT)
	names = (
		frappe.qb.from_(c)
		.select(c.name)
		.where((c.escalated == 0) & c.workflow_state.isin(OPEN_COMPLAINT_STATES) & (c.deadline < now))
		.limit(limit or 10**9)
		.run(pluck=True)
	)
	for name in names:
		doc = frappe.get_doc(COMPLAINT, name)
		doc.db_set(
			{
				"escalated": 1,
				"escalated_to": targets.get(doc.responsible_person or doc.salesperson),
				"escalated_on": now,
				"escalation_notified": 1,
			},
			update_modified=False,
		)
	return len(names)


def on_doctype_update():
	# the escalation's overdue ranges (OVERDUE_INDEX; an UPDATE names it, MariaDB would scan the table)
	frappe.db.add_index(COMPLAINT, ["workflow_state", "escalated", "deadline"])
	frappe.db.add_index(COMPLAINT, ["escalated", "escalation_notified"])
	# the row scope's parts (permissions/service.py): each read in the list's order, and each probed for rows
	# the other part does not cover
	frappe.db.add_index(COMPLAINT, ["salesperson", "modified"])
	frappe.db.add_index(COMPLAINT, ["responsible_person", "modified"])
	frappe.db.add_index(COMPLAINT, ["salesperson", "responsible_person"])
	frappe.db.add_index(COMPLAINT, ["responsible_person", "salesperson"])
