"""Deterministic demo opportunities with their stage history (SPEC SALE-01, SALE-02), as plain rows for the
bulk writer (services/sales/bulk.py): no frappe import, so the demo loader and the benchmark share it and
plain pytest checks it.

Each opportunity starts in the process's first stage some months back, moves forward one stage at a time
(now and then stepping back and forward again), and stands in an open stage, or ended won, lost or invalid;
every move is one history row with the days spent in the stage it left — as the stage service writes them.
"""

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

OPP_COLUMNS = (
	"name",
	"naming_series",
	"opportunity_title",
	"customer",
	"customer_name",
	"importance",
	"sales_process",
	"stage",
	"status",
	"probability",
	"stage_entered_on",
	"currency",
	"budget",
	"expected_amount",
	"expected_close_date",
	"deal_date",
	"needs",
	"next_step",
	"loss_reason",
	"lost_at_stage",
	"salesperson",
	"sales_department",
	"furthest_stage_index",
	"overdue_notified",
	"creation",
	"modified",
)
LOG_COLUMNS = (
	"opportunity",
	"sales_process",
	"from_stage",
	"to_stage",
	"to_status",
	"moved_by",
	"moved_on",
	"days_in_previous_stage",
	"salesperson",
	"feedback",
	"loss_reason",
	"creation",
	"modified",
)
SERIES = "OPP-.YYYY.-.#####"
PRODUCTS = ("CRM 系统", "呼叫中心", "数据分析平台", "ERP 实施", "云服务器", "安全审计", "培训服务")
FEEDBACK = ("电话沟通顺利", "客户确认需求", "已发送方案", "价格谈判中", "客户内部审批", "需要再次拜访")
AMOUNTS = (20_000, 50_000, 80_000, 120_000, 200_000, 350_000, 500_000, 800_000, 1_200_000)


@dataclass(frozen=True)
class ProcessStage:
	name: str
	probability: float
	end_kind: str


def opportunity_rows(
	customers: Sequence[tuple[str, str, str, str | None]],
	process: str,
	stages: Sequence[ProcessStage],
	loss_reasons: Sequence[str],
	count: int,
	now: datetime,
	seed: int = 7,
	start: int = 0,
	revisit_rate: float = 0.2,
) -> Iterator[tuple[tuple, list[tuple]]]:
	"""`count` opportunities over `customers` — (customer, customer name, salesperson, department) — in
	turn: (opportunity row in OPP_COLUMNS order, its history rows in LOG_COLUMNS order)."""
	rng = random.Random(seed + start)
	index = {s.name: i for i, s in enumerate(stages)}
	open_stages = [s for s in stages if s.end_kind == "Open"]
	won = next(s for s in stages if s.end_kind == "Won")
	lost = next((s for s in stages if s.end_kind == "Lost"), None)
	invalid = next((s for s in stages if s.end_kind == "Invalid"), None)
	weights = [max(1, 40 - 10 * i) for i in range(len(open_stages))]
	year = now.year
	for n in range(start, start + count):
		customer, customer_name, salesperson, department = customers[n % len(customers)]
		name = f"OPP-{year}-{n + 1:05d}"
		at = now - timedelta(days=rng.randint(20, 240), minutes=rng.randint(0, 1439))
		created = at
		furthest = rng.choices(range(len(open_stages)), weights)[0]
		path = [open_stages[i] for i in range(furthest + 1)]
		if furthest and rng.random() < revisit_rate:  # a step back and forward again
			path += [open_stages[furthest - 1], open_stages[furthest]]
		if furthest and rng.random() < revisit_rate - 1:  # a second one, for rates above 1
			path += [open_stages[furthest - 1], open_stages[furthest]]
		r = rng.random()
		end = None
		if r < 0.28 and lost:
			end = lost
		elif r < 0.36 and invalid:
			end = invalid
		elif furthest == len(open_stages) - 1 and r < 0.8:
			end = won
		amount = rng.choice(AMOUNTS)
		reason = rng.choice(loss_reasons) if end is not None and end is not won and loss_reasons else None
		logs, previous, entered = [], None, at
		for stage in [*path, *([end] if end else [])]:
			days = round((at - entered).total_seconds() / 86400, 2) if previous else 0.0
			logs.append(
				(
					name,
					process,
					previous.name if previous else None,
					stage.name,
					stage.end_kind,
					salesperson,
					at,
					days,
					salesperson,
					rng.choice(FEEDBACK) if previous else None,
					reason if stage is end and end is not won else None,
					at,
					at,
				)
			)
			previous, entered = stage, at
			at = min(at + timedelta(days=rng.randint(1, 15), minutes=rng.randint(0, 600)), now)
		current = end or path[-1]
		status = current.end_kind
		close_date = (created + timedelta(days=rng.randint(30, 150))).date()
		yield (
			(
				name,
				SERIES,
				f"{customer_name} · {rng.choice(PRODUCTS)}",
				customer,
				customer_name,
				rng.choice(("Normal", "Normal", "Important", "Critical")),
				process,
				current.name,
				status,
				current.probability if status in ("Open", "Won") else 0,
				entered,
				"CNY",
				amount * rng.choice((1, 1, 1.2)),
				amount,
				close_date,
				entered.date() if status == "Won" else None,
				rng.choice(PRODUCTS),
				None,
				reason,
				path[-1].name if status in ("Lost", "Invalid") else None,
				salesperson,
				department,
				index[won.name] if status == "Won" else index[open_stages[furthest].name],
				0,
				created,
				entered,
			),
			logs,
		)
