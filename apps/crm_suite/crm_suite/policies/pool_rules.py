"""Pool decisions on plain values (SPEC POOL-02, POOL-04): whether a row may be claimed, and which member a
push hands each row to. No frappe import: the services read the rows and the strategy, and act on the answer."""

import heapq
from datetime import datetime, timedelta

# Why a claim is refused, in the order they are checked.
TAKEN = "taken"
LOCKED = "locked"
PROTECTED = "protected"
COOLDOWN = "cooldown"


def claim_refusal(
	*,
	in_pool: bool,
	locked: bool,
	protected_until: datetime | None,
	last_released_by: str | None,
	last_released_on: datetime | None,
	user: str,
	now: datetime,
	cooldown_days: int,
) -> str | None:
	"""Why `user` may not claim a row now (one of the reasons above), or None. Protection binds everyone but
	the one who released the row; the re-claim cooldown binds only that one."""
	if not in_pool:
		return TAKEN
	if locked:
		return LOCKED
	if protected_until and protected_until > now and last_released_by != user:
		return PROTECTED
	if (
		cooldown_days
		and last_released_by == user
		and last_released_on
		and last_released_on > now - timedelta(days=cooldown_days)
	):
		return COOLDOWN
	return None


def plan_push(names, members, load, method, last_pushed_to, max_owned) -> dict[str, str]:
	"""name -> member. Round robin continues after the last member pushed to; least loaded picks the
	member owning fewest each time. Members at the owned limit are skipped."""
	members = sorted(members)
	plan = {}
	if method == "Least Loaded":
		heap = [(load.get(m, 0), m) for m in members]
		heapq.heapify(heap)
		for name in names:
			while heap and max_owned and heap[0][0] >= max_owned:
				heapq.heappop(heap)
			if not heap:
				break
			owned, member = heapq.heappop(heap)
			plan[name] = member
			heapq.heappush(heap, (owned + 1, member))
		return plan
	start = members.index(last_pushed_to) + 1 if last_pushed_to in members else 0
	order = members[start:] + members[:start]
	counts = {m: load.get(m, 0) for m in members}
	i = 0
	for name in names:
		for _attempt in range(len(order)):
			member = order[i % len(order)]
			i += 1
			if not max_owned or counts[member] < max_owned:
				plan[name] = member
				counts[member] += 1
				break
		else:
			break
	return plan
