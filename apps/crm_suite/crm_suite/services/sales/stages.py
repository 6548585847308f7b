"""Stage moves of sales opportunities (SPEC SALE-02): the one way an opportunity changes stage.

Every path ends here — the move endpoint (`move_stage`), a form or REST save that changes `stage`, a Kanban
drag (Frappe's board saves the card's document) — through the opportunity's validate(), which calls
`apply_stage_rules`. The pure rules are `policies/sales_rules.py`; this module reads the process, turns a
refusal into a translated message, sets what the move sets and, after the save, writes exactly one history
row and the move's side effects (a won deal makes the customer a deal customer, CUS-10).

Concurrency: a save locks the row (`Document.check_if_latest` reads it FOR UPDATE and refuses a copy older
than the stored one); `move_stage` locks it first and compares the stage the client saw, so of two users
moving the same opportunity one wins and the other is told the stage changed (409), with one history row.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count
from frappe.utils import get_datetime, get_fullname, getdate, now_datetime

from crm_suite.permissions.scope import visible_users
from crm_suite.policies.sales_rules import (
	LOST,
	OPEN,
	WON,
	Move,
	MoveRefused,
	MoveRequest,
	Stage,
	days_between,
	move_needs,
	parse_required_fields,
	plan_move,
	plan_start,
)
from crm_suite.services import holding_rollup, reach_rollup
from crm_suite.services.notify import notify_user
from crm_suite.services.ownership import new_row_names

OPPORTUNITY = "Sales Opportunity"
# Derived fields only the stage rules set; a save that changes them without a move gets them back.
DERIVED_FIELDS = ("status", "stage_entered_on", "furthest_stage_index", "lost_at_stage", "deal_date")
# Fields the move endpoint fills besides those a stage requires.
MOVE_FIELDS = frozenset({"next_step", "expected_amount", "expected_close_date", "probability"})
DEAL_STATE = "Deal"
DEALABLE_STATES = ("Following", "Pending", "Shelved", DEAL_STATE)


class StageMoveRefused(frappe.ValidationError):
	pass


class StageChanged(frappe.ValidationError):
	"""The opportunity moved since the user looked at it (HTTP 409 Conflict)."""

	http_status_code = 409


class NoSalesProcess(frappe.ValidationError):
	pass


STAGES_CACHE = "crm_suite:sales_process_stages"


def load_stages(process: str) -> list[Stage]:
	"""The process's stages in order, from the site cache (filled from the database on a miss; cleared when a
	process is saved or deleted, see `clear_stages_cache`)."""
	return frappe.cache.hget(STAGES_CACHE, process, generator=lambda: _read_stages(process))


def clear_stages_cache(*_args, **_kwargs) -> None:
	frappe.cache.delete_value(STAGES_CACHE)


def stages_changed(process) -> None:
	"""A process was saved or deleted: the cached stages go now, and again when the transaction ends either
	way (a rolled-back edit must not leave its stages in the cache)."""
	clear_stages_cache()
	frappe.db.after_commit.add(clear_stages_cache)
	frappe.db.after_rollback.add(clear_stages_cache)


def _read_stages(process: str) -> list[Stage]:
	row = frappe.qb.DocType("Sales Process Stage")
	rows = (
		frappe.qb.from_(row)
		.select(row.stage_name, row.probability, row.end_kind, row.feedback_required, row.required_fields)
		.where((row.parent == process) & (row.parenttype == "Sales Process") & (row.parentfield == "stages"))
		.orderby(row.idx)
		.run(as_dict=True)
	)
	return [
		Stage(
			r.stage_name,
			float(r.probability or 0),
			r.end_kind or OPEN,
			bool(r.feedback_required),
			parse_required_fields(r.required_fields),
		)
		for r in rows
	]


def default_process(customer: str | None = None) -> str | None:
	"""The process of the customer's category, else the default process, else the first enabled one."""
	if customer:
		category = frappe.db.get_value("Customer Account", customer, "customer_category")
		if category:
			process = frappe.db.get_value("Customer Category", category, "sales_process")
			if process and frappe.db.get_value("Sales Process", process, "enabled"):
				return process
	process = frappe.db.get_value("Sales Process", {"is_default": 1, "enabled": 1}, "name")
	return process or frappe.db.get_value("Sales Process", {"enabled": 1}, "name", order_by="creation asc")


def refusal_message(refusal: MoveRefused) -> str:
	p = refusal.params
	fields = ", ".join(_(frappe.get_meta(OPPORTUNITY).get_label(f)) for f in p.get("fields") or [])
	messages = {
		"unknown_stage": lambda: _("Stage {0} is not a stage of this sales process.").format(p["stage"]),
		"same_stage": lambda: _("The opportunity is already in stage {0}.").format(p["stage"]),
		"end_is_final": lambda: _(
			"The opportunity ended as {0} in stage {1}; only a manager may reopen it."
		).format(_(p["status"]), p["stage"]),
		"reopen_to_open_only": lambda: _("A closed opportunity can only be reopened into an open stage."),
		"start_in_end_stage": lambda: _("A new opportunity starts in an open stage, not in {0}.").format(
			p["stage"]
		),
		"missing_fields": lambda: _("Stage {0} requires these fields to be filled in: {1}").format(
			p["stage"], fields
		),
		"missing_feedback": lambda: _("Moving to stage {0} requires a feedback note.").format(p["stage"]),
		"missing_loss_reason": lambda: _("Moving to stage {0} requires a loss reason.").format(p["stage"]),
		"process_empty": lambda: _("A sales process needs at least one stage."),
		"duplicate_stage": lambda: _("Stage names must be unique: {0}").format(", ".join(p["stages"])),
		"first_stage_not_open": lambda: _("The first stage {0} must be an open stage.").format(p["stage"]),
		"won_stage_count": lambda: _("A sales process needs exactly one Won stage (it has {0}).").format(
			p["count"]
		),
		"unknown_end_kind": lambda: _("Stage {0} has an unknown end kind {1}.").format(p["stage"], p["kind"]),
		"probability_range": lambda: _("The probability of stage {0} must be between 0 and 100.").format(
			p["stage"]
		),
		"unknown_required_field": lambda: _(
			"Stage {0} requires fields the opportunity does not have: {1}"
		).format(p["stage"], ", ".join(p["fields"])),
	}
	return messages[refusal.code]()


def refuse(refusal: MoveRefused, exc=StageMoveRefused):
	frappe.throw(refusal_message(refusal), exc, title=_("Stage Move Not Allowed"))


def _filled(doc) -> frozenset[str]:
	return frozenset(
		f.fieldname
		for f in doc.meta.fields
		if doc.get(f.fieldname) not in (None, "", 0, 0.0) or (f.fieldtype == "Table" and doc.get(f.fieldname))
	)


def _is_manager(user: str, salesperson: str | None) -> bool:
	"""An admin, or a manager whose scope holds the opportunity's salesperson (reopening, SALE-02)."""
	users = visible_users(user)
	if users is None:
		return True
	return "CRM Manager" in frappe.get_roles(user) and (not salesperson or salesperson in users)


def apply_stage_rules(doc) -> None:
	"""From the opportunity's validate(): decide a stage change with the process's rules and set what it
	sets; a save without a stage change keeps the derived fields as stored."""
	if not doc.sales_process:
		frappe.throw(_("No sales process is set up; ask an administrator to make one."), NoSalesProcess)
	feedback = (doc.stage_feedback or "").strip() or None
	doc.stage_feedback = None  # an input of one move, kept in the history, never carried to the next
	before = None if doc.is_new() else doc.get_doc_before_save()
	expected = doc.flags.pop("expected_stage", None)
	if before and expected is not None and (before.stage or "") != expected:
		frappe.throw(
			_("{0} was moved to stage {1} by someone else meanwhile; reload it and try again.").format(
				doc.opportunity_title or doc.name, before.stage
			),
			StageChanged,
			title=_("Stage Changed"),
		)
	if before and before.stage == doc.stage and before.sales_process == doc.sales_process:
		for fieldname in DERIVED_FIELDS:
			doc.set(fieldname, before.get(fieldname))
		if before.status not in (LOST, "Invalid"):
			doc.loss_reason = before.loss_reason
		return
	stages = load_stages(doc.sales_process)
	if before is None and doc.stage not in {s.name for s in stages}:
		doc.stage = None  # Frappe's Select default (another process's first stage): start at this one's
	request = MoveRequest(
		to_stage=doc.stage,
		feedback=feedback,
		loss_reason=doc.loss_reason,
		filled=_filled(doc),
		# only a reopening asks (checked for end states alone: it costs the scope lookups)
		is_manager=bool(before and before.status != OPEN)
		and _is_manager(frappe.session.user, doc.salesperson),
	)
	try:
		if before is None:
			move = plan_start(stages, request)
		else:
			current = before.stage if before.sales_process == doc.sales_process else None
			if before.sales_process != doc.sales_process and before.status != OPEN:
				raise MoveRefused("end_is_final", stage=before.stage, status=before.status)
			move = plan_move(
				stages, current, before.status or OPEN, before.furthest_stage_index or 0, request
			)
	except MoveRefused as refusal:
		refuse(refusal)
	_set_move(doc, move, before, feedback)


def _set_move(doc, move: Move, before, feedback: str | None) -> None:
	now = now_datetime()
	doc.stage = move.to_stage
	doc.status = move.status
	if (not doc.probability if before is None else not doc.has_value_changed("probability")) or (
		move.status != OPEN
	):
		doc.probability = move.probability
	doc.furthest_stage_index = move.furthest_index
	doc.stage_entered_on = now
	doc.lost_at_stage = move.lost_at_stage if move.status in (LOST, "Invalid") else None
	if move.status in (OPEN, WON):
		doc.loss_reason = None
	doc.deal_date = getdate(now) if move.status == WON else None
	entered = before.stage_entered_on if before else None
	doc.flags.stage_move = {
		"sales_process": doc.sales_process,
		"from_stage": move.from_stage,
		"to_stage": move.to_stage,
		"to_status": move.status,
		"moved_by": frappe.session.user,
		"moved_on": now,
		"days_in_previous_stage": days_between(
			get_datetime(entered).timestamp() if entered else None, now.timestamp()
		)
		if before
		else 0,
		"feedback": feedback,
		"loss_reason": doc.loss_reason,
	}


def record_move(doc) -> None:
	"""From the opportunity's on_update(): the move's history row and side effects, once per move."""
	move = doc.flags.pop("stage_move", None)
	if not move:
		return
	write_history(doc.name, doc.salesperson, move, doc.creation)
	if move["to_status"] == WON:
		mark_customer_deal(doc.customer, doc.deal_date)
	if move["from_stage"] is not None and doc.salesperson and doc.salesperson != frappe.session.user:
		notify_user(
			doc.salesperson,
			"{0} moved your opportunity {1} to stage {2}",
			get_fullname(frappe.session.user),
			doc.opportunity_title or doc.name,
			doc.stage,
			doctype=OPPORTUNITY,
			name=doc.name,
		)


def write_history(opportunity: str, salesperson: str | None, move: dict, opportunity_created=None) -> None:
	"""The move's one history row, written as it is (no controller: the stage service is its only writer), with
	the opportunity's owner (its row scope) and creation (the conversion report's period) beside it."""
	user, now = frappe.session.user, now_datetime()
	row = {
		"name": new_row_names(1)[0],
		"opportunity": opportunity,
		"salesperson": salesperson,
		"opportunity_created": opportunity_created,
		**move,
		"owner": user,
		"modified_by": user,
		"creation": now,
		"modified": now,
		"docstatus": 0,
		"idx": 0,
	}
	log = frappe.qb.DocType("Opportunity Stage Log")
	frappe.qb.into(log).columns(*row).insert(*row.values()).run()


def mark_customer_deal(customer: str, deal_date) -> None:
	"""A won opportunity makes its customer a deal customer (CUS-10): state Deal, deal date, kind Deal —
	recycling leaves deal customers alone. The first deal date stays."""
	t = frappe.qb.DocType("Customer Account")
	query = (
		frappe.qb.update(t)
		.set(t.lifecycle_state, DEAL_STATE)
		.set(t.deal_on, Coalesce(t.deal_on, deal_date))
		.set(t.modified, now_datetime())
		.where((t.name == customer) & t.lifecycle_state.isin(DEALABLE_STATES))
	)
	if frappe.db.exists("Customer Kind", DEAL_STATE):
		query = query.set(t.customer_kind, DEAL_STATE)
	holding_rollup.remove([customer])  # the kind may change: counted out and in again (RPT-11)
	query.run()
	holding_rollup.add([customer])
	reach_rollup.customer_types_changed([customer])


def move_stage(
	name: str,
	to_stage: str,
	feedback: str | None = None,
	expected_stage: str | None = None,
	loss_reason: str | None = None,
	values: dict | None = None,
) -> dict:
	"""Move one opportunity, refusing when its stage is no longer `expected_stage` (what the user saw)."""
	# loaded with its row locked: the stored stage is the current one until the move commits
	doc = frappe.get_doc(OPPORTUNITY, name, for_update=True)
	doc.check_permission("write")
	doc._doc_before_save = frappe.get_doc(doc.as_dict())  # the copy the rules compare with, as locked
	doc.flags.expected_stage = expected_stage  # compared in apply_stage_rules
	allowed = _move_fields(doc.sales_process)
	for fieldname, value in (values or {}).items():
		if fieldname not in allowed:
			frappe.throw(_("Field {0} cannot be set with a stage move.").format(fieldname), StageMoveRefused)
		doc.set(fieldname, value)
	doc.stage = to_stage
	doc.stage_feedback = feedback
	if loss_reason:
		doc.loss_reason = loss_reason
	save_move(doc)
	return {
		"name": doc.name,
		"stage": doc.stage,
		"status": doc.status,
		"probability": doc.probability,
		"modified": str(doc.modified),
	}


def save_move(doc) -> None:
	"""`Document.save` of a stage move, without what a move cannot change: the row was read under its lock a
	moment ago (no second read for `check_if_latest` and the before-copy), only the changed columns are
	written (not every column and child row), and only changed links are checked. Everything else a save does
	happens as usual: the permission-level guard, the controller's and hooks' validate / before_save (the stage
	rules among them), the field checks (mandatory, lengths, selects, sanitising), then on_update / on_change
	with notifications, webhooks and server scripts, the Version row, the realtime update."""
	before = doc.get_doc_before_save()
	meta = doc.meta
	fetched_from = {(df.fetch_from or "").split(".")[0] for df in meta.fields if df.fetch_from}
	doc._action = "save"
	doc.flags.notifications_executed = []
	doc.set_user_and_timestamp()
	doc.validate_higher_perm_levels()
	for df in meta.get_link_fields():
		value = doc.get(df.fieldname)
		if value and value != before.get(df.fieldname):
			if df.fieldname in fetched_from:  # values fetched from the link: Frappe's full link check
				doc._validate_links()
			elif not frappe.db.exists(df.options, value):
				frappe.throw(
					_("Could not find {0}: {1}").format(_(df.label), value), frappe.LinkValidationError
				)
	doc.run_before_save_methods()
	doc._validate()
	changed = {
		df.fieldname: doc.get(df.fieldname)
		for df in meta.fields
		if df.fieldtype not in frappe.model.no_value_fields
		and df.fieldtype not in frappe.model.table_fields
		and doc.get(df.fieldname) != before.get(df.fieldname)
	}
	changed.update(modified=doc.modified, modified_by=doc.modified_by)
	frappe.db.set_value(OPPORTUNITY, doc.name, changed, update_modified=False)
	track = doc.meta.track_changes and not doc.flags.ignore_version
	doc.flags.ignore_version = True  # written below as one row, not through a Version document's insert
	doc.run_post_save_methods()
	if track:
		write_version(before, doc)


def write_version(before, doc) -> None:
	"""The move's Version row, as `Document.save_version` writes it (Frappe's own diff, the impersonator noted),
	inserted as one row: a Version document's insert (defaults, naming, validation, hooks) took a third of a
	move's time, for a row nothing else writes to."""
	from frappe.core.doctype.version.version import Version, get_diff
	from frappe.model.naming import make_autoname

	diff = get_diff(before, doc)
	if not diff:
		return
	Version.set_impersonator(diff)
	user = frappe.session.user
	row = {
		"name": make_autoname("hash", "Version"),
		"creation": doc.modified,
		"modified": doc.modified,
		"owner": user,
		"modified_by": user,
		"docstatus": 0,
		"idx": 0,
		"ref_doctype": doc.doctype,
		"docname": doc.name,
		"data": frappe.as_json(diff, indent=None, separators=(",", ":")),
	}
	version = frappe.qb.DocType("Version")
	frappe.qb.into(version).columns(*row).insert(*row.values()).run()


def move_requirements(name: str, to_stage: str) -> dict:
	"""What moving `name` to `to_stage` asks of the user, for the Move Stage and Kanban drag dialogs: the
	feedback note, a loss reason, the fields the passed stages require with their current values, whether the
	target ends the opportunity; or the reason no input can make the move allowed."""
	doc = frappe.get_doc(OPPORTUNITY, name)
	doc.check_permission("read")
	stages = load_stages(doc.sales_process)
	status = doc.status or OPEN
	try:
		needs = move_needs(
			stages,
			doc.stage,
			status,
			to_stage,
			is_manager=status != OPEN and _is_manager(frappe.session.user, doc.salesperson),
		)
	except MoveRefused as refusal:
		return {"stage": doc.stage, "to_stage": to_stage, "refused": refusal_message(refusal)}
	filled = _filled(doc)
	return {
		"stage": doc.stage,
		"to_stage": needs.target.name,
		"end_kind": needs.target.end_kind,
		"direction": needs.direction,
		"feedback": needs.feedback,
		"loss_reason": needs.loss_reason,
		"fields": [{"fieldname": f, "value": doc.get(f), "filled": f in filled} for f in needs.fields],
	}


def _move_fields(process: str) -> frozenset[str]:
	required = {f for s in load_stages(process) for f in s.required_fields}
	return MOVE_FIELDS | required


def stage_counts(process: str, stages: list[str]) -> dict[str, int]:
	"""How many opportunities stand in each of `stages` of `process`."""
	if not stages:
		return {}
	t = frappe.qb.DocType(OPPORTUNITY)
	rows = (
		frappe.qb.from_(t)
		.select(t.stage, Count("*"))
		.where((t.sales_process == process) & t.stage.isin(stages))
		.groupby(t.stage)
		.run()
	)
	return {stage: count for stage, count in rows}
