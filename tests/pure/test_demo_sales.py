"""Demo opportunities and their stage history (demo/sales_generator.py): deterministic, and each history
is what the stage service would have written (SPEC SALE-01, SALE-02)."""

from datetime import datetime
from itertools import pairwise

from crm_suite.demo.sales_generator import LOG_COLUMNS, OPP_COLUMNS, ProcessStage, opportunity_rows

STAGES = [
	ProcessStage("初步接洽", 10, "Open"),
	ProcessStage("需求确认", 30, "Open"),
	ProcessStage("方案报价", 50, "Open"),
	ProcessStage("商务谈判", 70, "Open"),
	ProcessStage("赢单", 100, "Won"),
	ProcessStage("输单", 0, "Lost"),
	ProcessStage("无效", 0, "Invalid"),
]
CUSTOMERS = [("CUS-1", "甲公司", "a@x.cn", "一组"), ("CUS-2", "乙公司", "b@x.cn", "二组")]
NOW = datetime(2026, 12, 1, 12, 0)


def generate(count=500, **kw):
	return list(opportunity_rows(CUSTOMERS, "标准销售流程", STAGES, ["价格过高"], count, NOW, **kw))


def test_generation_is_deterministic_and_names_follow_the_series():
	first, second = generate(50), generate(50)
	assert first == second
	assert [o[0] for o, _logs in first[:3]] == ["OPP-2026-00001", "OPP-2026-00002", "OPP-2026-00003"]
	assert generate(1, start=7)[0][0][0] == "OPP-2026-00008"


def test_each_history_chains_from_creation_to_the_current_stage():
	col = {c: i for i, c in enumerate(OPP_COLUMNS)}
	log = {c: i for i, c in enumerate(LOG_COLUMNS)}
	kinds = {s.name: s.end_kind for s in STAGES}
	statuses = set()
	for opp, rows in generate():
		assert rows[0][log["from_stage"]] is None and rows[0][log["to_stage"]] == "初步接洽"
		for before, after in pairwise(rows):
			assert after[log["from_stage"]] == before[log["to_stage"]]
			assert after[log["moved_on"]] >= before[log["moved_on"]]
			assert after[log["days_in_previous_stage"]] >= 0
		assert rows[-1][log["to_stage"]] == opp[col["stage"]]
		status = opp[col["status"]]
		assert kinds[opp[col["stage"]]] == status
		assert (opp[col["deal_date"]] is not None) == (status == "Won")
		assert (opp[col["loss_reason"]] is not None) == (status in ("Lost", "Invalid"))
		assert all(r[log["moved_on"]] <= NOW for r in rows)
		statuses.add(status)
	assert statuses == {"Open", "Won", "Lost", "Invalid"}


def test_revisits_add_history_rows():
	plain = sum(len(rows) for _o, rows in generate(400, revisit_rate=0))
	revisited = sum(len(rows) for _o, rows in generate(400, revisit_rate=1.5))
	assert revisited > plain * 1.3
