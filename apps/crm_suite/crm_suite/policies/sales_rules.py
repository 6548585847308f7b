"""Stage rules of a sales process (SPEC SALE-02), as pure arithmetic over the process's ordered stages.

No frappe import: the stage service (services/sales/stages.py) reads the process and the opportunity, asks
`plan_move` whether a move may happen and what it sets, and translates a refusal's code into a message.

The rules, decided once for the Desk, the move endpoint, REST saves and Kanban drags alike:

- A new opportunity starts in an open stage (the process's first one unless another open stage is chosen).
- Forward: advance one stage or jump to any later open stage or to Won. A jump does not skip feedback: the
  required fields (and notes) of every stage passed over are required as well as the target's.
- Backward: allowed between open stages (a deal steps back, e.g. back to quoting after a failed
  negotiation), with a feedback note saying why; the furthest stage reached stays as it was.
- Lost / Invalid: from any open stage, with a loss reason and whatever the end stage itself requires.
- End states (Won, Lost, Invalid) are final. Only a manager may reopen one, into an open stage, with a note.
"""

from dataclasses import dataclass, field

OPEN, WON, LOST, INVALID = "Open", "Won", "Lost", "Invalid"
END_KINDS = (WON, LOST, INVALID)
NEEDS_REASON = (LOST, INVALID)
KINDS = (OPEN, *END_KINDS)


@dataclass(frozen=True)
class Stage:
	name: str
	probability: float = 0
	end_kind: str = OPEN
	feedback_required: bool = False
	required_fields: tuple[str, ...] = ()

	@property
	def is_end(self) -> bool:
		return self.end_kind in END_KINDS


@dataclass(frozen=True)
class Move:
	"""What a permitted move sets on the opportunity."""

	from_stage: str | None
	to_stage: str
	status: str
	probability: float
	furthest_index: int
	lost_at_stage: str | None = None
	direction: str = "forward"  # start | forward | backward | end | reopen


class MoveRefused(Exception):
	"""A move the rules refuse; `code` names the rule, `params` fill its message."""

	def __init__(self, code: str, **params):
		super().__init__(code, params)
		self.code = code
		self.params = params


@dataclass
class MoveRequest:
	to_stage: str
	feedback: str | None = None
	loss_reason: str | None = None
	filled: frozenset[str] = field(default_factory=frozenset)  # fieldnames holding a value after the move
	is_manager: bool = False


def parse_required_fields(text: str | None) -> tuple[str, ...]:
	"""'budget, needs\\nnext_step' → ('budget', 'needs', 'next_step'), order kept, duplicates dropped."""
	seen: dict[str, None] = {}
	for part in (text or "").replace(",", "\n").replace("，", "\n").split("\n"):
		if part.strip():
			seen.setdefault(part.strip(), None)
	return tuple(seen)


def check_process(stages: list[Stage], known_fields: set[str] | frozenset[str]) -> None:
	"""A process is usable: stages named once, at least one open stage first, exactly one Won stage,
	probabilities within 0..100, required fields that exist on the opportunity."""
	if not stages:
		raise MoveRefused("process_empty")
	names = [s.name for s in stages]
	duplicates = sorted({n for n in names if names.count(n) > 1})
	if duplicates:
		raise MoveRefused("duplicate_stage", stages=duplicates)
	if stages[0].end_kind != OPEN:
		raise MoveRefused("first_stage_not_open", stage=stages[0].name)
	won = [s.name for s in stages if s.end_kind == WON]
	if len(won) != 1:
		raise MoveRefused("won_stage_count", count=len(won))
	for s in stages:
		if s.end_kind not in KINDS:
			raise MoveRefused("unknown_end_kind", stage=s.name, kind=s.end_kind)
		if not 0 <= (s.probability or 0) <= 100:
			raise MoveRefused("probability_range", stage=s.name)
		unknown = sorted(set(s.required_fields) - set(known_fields))
		if unknown:
			raise MoveRefused("unknown_required_field", stage=s.name, fields=unknown)


def removed_stages(before: list[str], after: list[str]) -> list[str]:
	"""Stage names a process edit takes away (renaming a stage takes its old name away)."""
	return [name for name in before if name not in set(after)]


def first_open_stage(stages: list[Stage]) -> Stage:
	return next(s for s in stages if s.end_kind == OPEN)


def _index(stages: list[Stage], name: str | None) -> int:
	for i, s in enumerate(stages):
		if s.name == name:
			return i
	return -1


def _requirements(passed: list[Stage]) -> tuple[list[str], bool]:
	fields: dict[str, None] = {}
	for s in passed:
		for f in s.required_fields:
			fields.setdefault(f, None)
	return list(fields), any(s.feedback_required for s in passed)


def _check_feedback(request: MoveRequest, passed: list[Stage], note_needed: bool = False) -> None:
	fields, note = _requirements(passed)
	missing = [f for f in fields if f not in request.filled]
	if missing:
		raise MoveRefused("missing_fields", stage=passed[-1].name, fields=missing)
	if (note or note_needed) and not (request.feedback or "").strip():
		raise MoveRefused("missing_feedback", stage=passed[-1].name)


def plan_start(stages: list[Stage], request: MoveRequest) -> Move:
	"""The first stage of a new opportunity."""
	to = (
		_index(stages, request.to_stage)
		if request.to_stage
		else _index(stages, first_open_stage(stages).name)
	)
	if to < 0:
		raise MoveRefused("unknown_stage", stage=request.to_stage)
	target = stages[to]
	if target.end_kind != OPEN:
		raise MoveRefused("start_in_end_stage", stage=target.name)
	# starting further in passes the earlier stages: their requirements apply as on a jump
	_check_feedback(request, [s for s in stages[: to + 1] if s.end_kind == OPEN])
	return Move(None, target.name, OPEN, target.probability, to, direction="start")


@dataclass(frozen=True)
class Needs:
	"""What a move from the opportunity's stage to a target asks of the user, before any value is given:
	the fields that must hold a value (of the target and of every stage a jump passes), a feedback note, a
	loss reason. The move endpoint, the form's dialog and the Kanban drag's dialog all ask from this."""

	target: Stage
	fields: tuple[str, ...] = ()
	feedback: bool = False
	loss_reason: bool = False
	direction: str = "forward"  # forward | backward | end | reopen


def move_needs(
	stages: list[Stage], current: str | None, current_status: str, to_stage: str, is_manager: bool = False
) -> Needs:
	"""What moving from `current` to `to_stage` requires; refuses (MoveRefused) a move no input can make
	allowed: an unknown or the same stage, an end state reopened by a non-manager or into an end stage."""
	to = _index(stages, to_stage)
	if to < 0:
		raise MoveRefused("unknown_stage", stage=to_stage)
	target = stages[to]
	at = _index(stages, current)
	if at == to:
		raise MoveRefused("same_stage", stage=target.name)
	if current_status in END_KINDS:
		if not is_manager:
			raise MoveRefused("end_is_final", stage=current, status=current_status)
		if target.end_kind != OPEN:
			raise MoveRefused("reopen_to_open_only", stage=target.name)
		return Needs(target, tuple(_requirements([target])[0]), feedback=True, direction="reopen")
	# at == -1: the stage is gone from the process (process changed); every stage up to the target is passed
	if target.end_kind in NEEDS_REASON:
		fields, note = _requirements([target])
		return Needs(target, tuple(fields), note, loss_reason=True, direction="end")
	if to < at:
		return Needs(target, tuple(_requirements([target])[0]), feedback=True, direction="backward")
	fields, note = _requirements([s for s in stages[at + 1 : to + 1] if s.end_kind in (OPEN, WON)])
	return Needs(target, tuple(fields), note, direction="end" if target.end_kind == WON else "forward")


def missing(needs: Needs, request: MoveRequest) -> MoveRefused | None:
	"""The first requirement `request` leaves unmet, as the refusal the move would get; None when met."""
	if needs.loss_reason and not request.loss_reason:
		return MoveRefused("missing_loss_reason", stage=needs.target.name)
	absent = [f for f in needs.fields if f not in request.filled]
	if absent:
		return MoveRefused("missing_fields", stage=needs.target.name, fields=absent)
	if needs.feedback and not (request.feedback or "").strip():
		return MoveRefused("missing_feedback", stage=needs.target.name)
	return None


def plan_move(
	stages: list[Stage], current: str | None, current_status: str, furthest: int, request: MoveRequest
) -> Move:
	"""Decide a move of an existing opportunity from `current` to `request.to_stage`."""
	needs = move_needs(stages, current, current_status, request.to_stage, request.is_manager)
	refusal = missing(needs, request)
	if refusal:
		raise refusal
	target, to = needs.target, _index(stages, needs.target.name)
	if needs.direction == "reopen":
		return Move(current, target.name, OPEN, target.probability, max(furthest, to), direction="reopen")
	if needs.direction == "end" and target.end_kind in NEEDS_REASON:
		return Move(
			current, target.name, target.end_kind, 0, furthest, lost_at_stage=current, direction="end"
		)
	if needs.direction == "backward":
		return Move(current, target.name, OPEN, target.probability, furthest, direction="backward")
	return Move(
		current,
		target.name,
		target.end_kind,
		target.probability,
		max(furthest, to),
		direction=needs.direction,
	)


def days_between(start_ts: float | None, end_ts: float) -> float:
	"""Days (two decimals) spent in a stage entered at `start_ts`, left at `end_ts` (POSIX seconds)."""
	if start_ts is None:
		return 0.0
	return round(max(0.0, end_ts - start_ts) / 86400, 2)
