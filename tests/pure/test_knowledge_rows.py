"""Knowledge base sheets (SPEC SVC-04): Chinese or English headers, required cells, blank rows skipped,
duplicate titles and missing columns named with their row."""

from crm_suite.policies.knowledge_rows import MAX_ROWS, parse_sheet


def test_chinese_headers_map_to_fields_and_blank_rows_are_skipped():
	parsed = parse_sheet(
		[
			("标题", " 分类 ", "关键词", "答案"),
			("退货政策", "售后服务", "退货", "七天"),
			(None, "", None, None),
		]
	)
	assert parsed.errors == []
	assert parsed.articles == [
		{"title": "退货政策", "category": "售后服务", "keywords": "退货", "content": "七天", "_row": 2}
	]


def test_english_headers_ignore_case_and_spacing():
	parsed = parse_sheet([("TITLE", "Category", "Answer  /  Content", "Question"), ("A", "B", "C", "Q?")])
	assert parsed.articles[0]["content"] == "C" and parsed.articles[0]["question"] == "Q?"


def test_missing_columns_stop_the_sheet():
	parsed = parse_sheet([("标题", "内容"), ("A", "B")])
	assert parsed.errors == [(1, "missing_column", "category")]
	assert parsed.articles == []


def test_row_problems_are_named_with_their_row():
	parsed = parse_sheet(
		[("标题", "分类", "内容"), ("A", "X", "c"), ("B", "", "c"), ("A", "X", "again"), ("C", "X", 12)]
	)
	assert parsed.errors == [(3, "missing_value", "category"), (4, "duplicate_title", "A")]
	assert [a["title"] for a in parsed.articles] == ["A", "C"]
	assert parsed.articles[1]["content"] == "12"


def test_empty_and_oversized_sheets():
	assert parse_sheet([]).errors == [(1, "empty", "")]
	rows = [("标题", "分类", "内容")] + [(f"t{i}", "X", "c") for i in range(MAX_ROWS + 1)]
	assert parse_sheet(rows).errors == [(1, "too_many_rows", str(MAX_ROWS))]
