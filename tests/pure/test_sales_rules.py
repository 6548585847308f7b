"""Stage rules of a sales process (SPEC SALE-02), policies/sales_rules.py: pure, no frappe."""

import pytest
from crm_suite.policies.sales_rules import (
	INVALID,
	LOST,
	OPEN,
	WON,
	MoveRefused,
	MoveRequest,
	Stage,
	check_process,
	days_between,
	missing,
	move_needs,
	parse_required_fields,
	plan_move,
	plan_start,
	removed_stages,
)
from hypothesis import given
from hypothesis import strategies as st

STAGES = [
	Stage("初步接洽", 10),
	Stage("需求确认", 30, OPEN, True, ("needs",)),
	Stage("方案报价", 50, OPEN, False, ("expected_amount",)),
	Stage("商务谈判", 70, OPEN, True),
	Stage("赢单", 100, WON, False, ("expected_amount",)),
	Stage("输单", 0, LOST, True),
	Stage("无效", 0, INVALID),
]
FIELDS = {"needs", "expected_amount", "budget"}


def refused(code, fn, *args):
	with pytest.raises(MoveRefused) as info:
		fn(*args)
	assert info.value.code == code, info.value.params
	return info.value.params


def req(to, feedback=None, reason=None, filled=(), manager=False):
	return MoveRequest(to, feedback, reason, frozenset(filled), manager)


def test_new_opportunity_starts_in_the_first_open_stage_with_its_probability():
	move = plan_start(STAGES, req(None))
	assert (move.to_stage, move.status, move.probability, move.furthest_index) == ("初步接洽", OPEN, 10, 0)


def test_starting_further_in_needs_what_the_passed_stages_require():
	params = refused("missing_fields", plan_start, STAGES, req("方案报价", "说明"))
	assert params["fields"] == ["needs", "expected_amount"]
	move = plan_start(STAGES, req("方案报价", "说明", filled={"needs", "expected_amount"}))
	assert move.furthest_index == 2


def test_a_new_opportunity_cannot_start_won_or_lost():
	refused("start_in_end_stage", plan_start, STAGES, req("赢单"))
	refused("unknown_stage", plan_start, STAGES, req("不存在"))


def test_advance_one_stage_needs_the_target_stages_fields_and_note():
	assert refused("missing_fields", plan_move, STAGES, "初步接洽", OPEN, 0, req("需求确认"))["fields"] == [
		"needs"
	]
	refused("missing_feedback", plan_move, STAGES, "初步接洽", OPEN, 0, req("需求确认", filled={"needs"}))
	move = plan_move(STAGES, "初步接洽", OPEN, 0, req("需求确认", "客户确认预算", filled={"needs"}))
	assert (move.from_stage, move.to_stage, move.probability, move.furthest_index, move.direction) == (
		"初步接洽", "需求确认", 30, 1, "forward",
	)  # fmt: skip


def test_a_jump_does_not_skip_the_feedback_of_the_stages_passed_over():
	params = refused(
		"missing_fields", plan_move, STAGES, "初步接洽", OPEN, 0, req("商务谈判", "跳过", filled={"needs"})
	)
	assert params["fields"] == ["expected_amount"]
	refused("missing_feedback", plan_move, STAGES, "初步接洽", OPEN, 0, req("方案报价", filled=FIELDS))
	move = plan_move(STAGES, "初步接洽", OPEN, 0, req("商务谈判", "一次谈妥", filled=FIELDS))
	assert (move.to_stage, move.furthest_index) == ("商务谈判", 3)


def test_winning_passes_every_remaining_stage():
	refused("missing_feedback", plan_move, STAGES, "需求确认", OPEN, 1, req("赢单", filled=FIELDS))
	move = plan_move(STAGES, "需求确认", OPEN, 1, req("赢单", "签约", filled=FIELDS))
	assert (move.status, move.probability, move.furthest_index, move.lost_at_stage) == (WON, 100, 4, None)


def test_lost_and_invalid_need_a_reason_and_remember_where():
	refused("missing_loss_reason", plan_move, STAGES, "方案报价", OPEN, 2, req("无效"))
	refused("missing_feedback", plan_move, STAGES, "方案报价", OPEN, 2, req("输单", reason="价格过高"))
	move = plan_move(STAGES, "方案报价", OPEN, 2, req("输单", "对手更便宜", "价格过高"))
	assert (move.status, move.probability, move.lost_at_stage, move.furthest_index) == (
		LOST,
		0,
		"方案报价",
		2,
	)
	move = plan_move(STAGES, "方案报价", OPEN, 2, req("无效", reason="重复商机"))
	assert (move.status, move.lost_at_stage) == (INVALID, "方案报价")


def test_backward_moves_need_a_note_and_keep_the_furthest_stage():
	refused("missing_feedback", plan_move, STAGES, "商务谈判", OPEN, 3, req("方案报价", filled=FIELDS))
	move = plan_move(STAGES, "商务谈判", OPEN, 3, req("方案报价", "重新报价", filled=FIELDS))
	assert (move.to_stage, move.furthest_index, move.direction, move.probability) == (
		"方案报价",
		3,
		"backward",
		50,
	)


def test_end_states_are_final_except_a_manager_reopening_into_an_open_stage():
	for status, stage in ((WON, "赢单"), (LOST, "输单"), (INVALID, "无效")):
		refused("end_is_final", plan_move, STAGES, stage, status, 4, req("商务谈判", "再谈", filled=FIELDS))
		refused(
			"reopen_to_open_only",
			plan_move,
			STAGES,
			stage,
			status,
			4,
			req("赢单" if stage != "赢单" else "输单", "x", "r", FIELDS, True),
		)
	refused(
		"missing_feedback", plan_move, STAGES, "输单", LOST, 2, req("方案报价", filled=FIELDS, manager=True)
	)
	move = plan_move(STAGES, "输单", LOST, 2, req("方案报价", "客户回来了", filled=FIELDS, manager=True))
	assert (move.status, move.direction, move.furthest_index) == (OPEN, "reopen", 2)


def test_same_and_unknown_stages_are_refused():
	refused("same_stage", plan_move, STAGES, "方案报价", OPEN, 2, req("方案报价"))
	refused("unknown_stage", plan_move, STAGES, "方案报价", OPEN, 2, req("签合同"))


def test_a_stage_gone_from_the_process_moves_as_if_from_the_start():
	move = plan_move(STAGES, "旧阶段", OPEN, 0, req("初步接洽"))
	assert move.to_stage == "初步接洽"
	refused("missing_fields", plan_move, STAGES, "旧阶段", OPEN, 0, req("方案报价", "x"))


@pytest.mark.parametrize(
	"stages, code",
	[
		([], "process_empty"),
		([Stage("a"), Stage("a"), Stage("w", 100, WON)], "duplicate_stage"),
		([Stage("w", 100, WON), Stage("a")], "first_stage_not_open"),
		([Stage("a"), Stage("b", 0, LOST)], "won_stage_count"),
		([Stage("a"), Stage("w", 100, WON), Stage("w2", 100, WON)], "won_stage_count"),
		([Stage("a", 120), Stage("w", 100, WON)], "probability_range"),
		([Stage("a", 10, OPEN, False, ("nope",)), Stage("w", 100, WON)], "unknown_required_field"),
		([Stage("a"), Stage("m", 10, "Maybe"), Stage("w", 100, WON)], "unknown_end_kind"),
	],
)
def test_check_process_refuses_unusable_processes(stages, code):
	refused(code, check_process, stages, FIELDS)


def test_check_process_accepts_the_default_process():
	check_process(STAGES, FIELDS)


def test_required_fields_parse_commas_newlines_and_fullwidth_commas():
	assert parse_required_fields("budget, needs\nnext_step，budget\n") == ("budget", "needs", "next_step")
	assert parse_required_fields(None) == ()


def test_removed_stages_names_deleted_and_renamed_stages():
	assert removed_stages(["a", "b", "c"], ["a", "c2", "c"]) == ["b"]


def test_days_between():
	assert days_between(None, 100) == 0
	assert days_between(0, 86400 * 1.5) == 1.5
	assert days_between(100, 50) == 0


@given(st.lists(st.sampled_from([s.name for s in STAGES] + ["x"]), min_size=1, max_size=12), st.booleans())
def test_any_sequence_of_moves_keeps_the_invariants(targets, manager):
	"""Whatever is asked, with everything filled in: end states only left by managers, furthest never
	decreases, probability follows the stage."""
	stage, status, furthest = "初步接洽", OPEN, 0
	for target in targets:
		try:
			move = plan_move(STAGES, stage, status, furthest, req(target, "note", "reason", FIELDS, manager))
		except MoveRefused as refusal:
			assert refusal.code in {"same_stage", "unknown_stage", "end_is_final", "reopen_to_open_only"}
			continue
		if status != OPEN:
			assert manager and move.status == OPEN
		assert move.furthest_index >= furthest
		if move.status == OPEN:
			assert move.probability == next(s.probability for s in STAGES if s.name == move.to_stage)
		stage, status, furthest = move.to_stage, move.status, move.furthest_index


# --- what a move asks for (the Kanban drag's and the Move Stage dialog's questions) ------------------------


def test_needs_of_a_jump_are_every_passed_stage_s():
	needs = move_needs(STAGES, "初步接洽", OPEN, "商务谈判")
	assert needs.fields == ("needs", "expected_amount")
	assert needs.feedback and not needs.loss_reason and needs.direction == "forward"


def test_needs_of_an_advance_without_requirements_are_none():
	needs = move_needs(STAGES, "方案报价", OPEN, "商务谈判")
	assert needs.fields == () and needs.feedback  # 商务谈判 asks for a note
	needs = move_needs(STAGES, "需求确认", OPEN, "方案报价")
	assert needs.fields == ("expected_amount",) and not needs.feedback


def test_needs_of_lost_and_back_and_reopen():
	lost = move_needs(STAGES, "方案报价", OPEN, "输单")
	assert lost.loss_reason and lost.feedback and lost.direction == "end"
	back = move_needs(STAGES, "商务谈判", OPEN, "需求确认")
	assert back.feedback and back.direction == "backward" and back.fields == ("needs",)
	reopen = move_needs(STAGES, "输单", LOST, "方案报价", is_manager=True)
	assert reopen.feedback and reopen.direction == "reopen"
	won = move_needs(STAGES, "商务谈判", OPEN, "赢单")
	assert won.direction == "end" and won.target.end_kind == WON and not won.loss_reason


def test_needs_refuse_what_no_input_allows():
	refused("end_is_final", move_needs, STAGES, "输单", LOST, "方案报价")
	refused("reopen_to_open_only", move_needs, STAGES, "输单", LOST, "赢单", True)
	refused("same_stage", move_needs, STAGES, "方案报价", OPEN, "方案报价")
	refused("unknown_stage", move_needs, STAGES, "方案报价", OPEN, "不存在")


def test_missing_names_the_first_unmet_requirement():
	needs = move_needs(STAGES, "初步接洽", OPEN, "商务谈判")
	assert missing(needs, MoveRequest("商务谈判")).code == "missing_fields"
	assert missing(needs, MoveRequest("商务谈判", filled=frozenset(FIELDS))).code == "missing_feedback"
	assert missing(needs, MoveRequest("商务谈判", feedback="ok", filled=frozenset(FIELDS))) is None
	lost = move_needs(STAGES, "方案报价", OPEN, "输单")
	assert missing(lost, MoveRequest("输单", feedback="x")).code == "missing_loss_reason"


@given(
	current=st.sampled_from([s.name for s in STAGES if s.end_kind == OPEN]),
	target=st.sampled_from([s.name for s in STAGES]),
	feedback=st.sampled_from([None, "", "note"]),
	reason=st.sampled_from([None, "价格"]),
	filled=st.sets(st.sampled_from(sorted(FIELDS))),
)
def test_plan_move_refuses_exactly_when_needs_are_unmet(current, target, feedback, reason, filled):
	"""The dialog's questions and the server's refusals come from one place: a request meeting every need
	moves, one missing any need is refused with that need's code."""
	request = MoveRequest(target, feedback=feedback, loss_reason=reason, filled=frozenset(filled))
	try:
		needs = move_needs(STAGES, current, OPEN, target)
	except MoveRefused as refusal:
		assert refused(refusal.code, plan_move, STAGES, current, OPEN, 0, request) == refusal.params
		return
	gap = missing(needs, request)
	if gap:
		assert refused(gap.code, plan_move, STAGES, current, OPEN, 0, request) == gap.params
	else:
		assert plan_move(STAGES, current, OPEN, 0, request).to_stage == target
