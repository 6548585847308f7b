"""Pool decisions on plain values (POOL-02, POOL-04): why a claim is refused, and how a push is planned."""

from datetime import datetime, timedelta

import pytest
from crm_suite.policies.pool_rules import (
	COOLDOWN,
	LOCKED,
	PROTECTED,
	TAKEN,
	claim_refusal,
	plan_push,
)
from hypothesis import given
from hypothesis import strategies as st

NOW = datetime(2026, 5, 20, 10, 0, 0)
CLAIMABLE = {
	"in_pool": True,
	"locked": False,
	"protected_until": None,
	"last_released_by": None,
	"last_released_on": None,
	"user": "a@x.cn",
	"now": NOW,
	"cooldown_days": 7,
}


def refusal(**changes):
	return claim_refusal(**{**CLAIMABLE, **changes})


def test_a_free_pool_row_may_be_claimed():
	assert refusal() is None


@pytest.mark.parametrize(
	"changes,reason",
	[
		({"in_pool": False}, TAKEN),
		({"in_pool": False, "locked": True}, TAKEN),  # taken is said first
		({"locked": True}, LOCKED),
		({"locked": True, "protected_until": NOW + timedelta(days=1)}, LOCKED),
		(
			{"protected_until": NOW + timedelta(days=1), "last_released_by": "b@x.cn"},
			PROTECTED,
		),
		({"protected_until": NOW + timedelta(days=1)}, PROTECTED),
		(
			{
				"last_released_by": "a@x.cn",
				"last_released_on": NOW - timedelta(days=6, hours=23),
			},
			COOLDOWN,
		),
	],
)
def test_refusal_reasons_in_their_order(changes, reason):
	assert refusal(**changes) == reason


@pytest.mark.parametrize(
	"changes",
	[
		{"protected_until": NOW},  # protection ended this instant
		{"protected_until": NOW - timedelta(days=1), "last_released_by": "b@x.cn"},
		# the one who released a protected row may take it back (the cooldown permitting)
		{"protected_until": NOW + timedelta(days=1), "last_released_by": "a@x.cn"},
		{
			"last_released_by": "a@x.cn",
			"last_released_on": NOW - timedelta(days=7),
		},  # cooldown over
		{
			"last_released_by": "b@x.cn",
			"last_released_on": NOW,
		},  # someone else released it
		{
			"last_released_by": "a@x.cn",
			"last_released_on": NOW,
			"cooldown_days": 0,
		},  # no cooldown
		{"last_released_by": "a@x.cn", "last_released_on": None},
	],
)
def test_claimable_after_protection_and_cooldown(changes):
	assert refusal(**changes) is None


def test_round_robin_continues_after_the_last_member():
	plan = plan_push(["c1", "c2", "c3"], ["a", "b", "c"], {}, "Round Robin", "a", 0)
	assert plan == {"c1": "b", "c2": "c", "c3": "a"}


def test_round_robin_starts_at_the_first_member_when_the_last_one_left():
	plan = plan_push(["c1", "c2"], ["c", "b", "a"], {}, "Round Robin", "gone", 0)
	assert plan == {"c1": "a", "c2": "b"}


def test_round_robin_skips_members_at_the_limit_and_stops_when_all_are():
	plan = plan_push(["c1", "c2", "c3", "c4"], ["a", "b"], {"a": 2, "b": 0}, "Round Robin", None, 2)
	assert plan == {"c1": "b", "c2": "b"}


def test_least_loaded_fills_the_emptiest_first_and_respects_the_limit():
	plan = plan_push(["c1", "c2", "c3", "c4"], ["a", "b"], {"a": 3, "b": 0}, "Least Loaded", None, 4)
	assert sorted(plan.values()) == ["a", "b", "b", "b"]
	assert plan["c1"] == "b"


members = st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=8, unique=True)


@given(
	members=members,
	count=st.integers(0, 30),
	loads=st.lists(st.integers(0, 10), min_size=8, max_size=8),
	method=st.sampled_from(["Round Robin", "Least Loaded"]),
	max_owned=st.integers(0, 12),
	last=st.sampled_from([None, "a", "d", "z"]),
)
def test_a_plan_never_passes_the_limit_and_hands_out_what_room_allows(
	members, count, loads, method, max_owned, last
):
	load = dict(zip("abcdefgh", loads, strict=True))
	names = [f"c{i}" for i in range(count)]
	plan = plan_push(names, members, load, method, last, max_owned)
	assert set(plan) <= set(names) and set(plan.values()) <= set(members)
	after = {m: load[m] + list(plan.values()).count(m) for m in members}
	if max_owned:
		room = sum(max(0, max_owned - load[m]) for m in members)
		assert all(after[m] <= max(max_owned, load[m]) for m in members)
		assert len(plan) == min(count, room)
	else:
		assert len(plan) == count
	if method == "Least Loaded" and not max_owned:  # the spread between members never grows past one
		spread = max(load[m] for m in members) - min(load[m] for m in members)
		assert max(after.values()) - min(after.values()) <= max(1, spread)
