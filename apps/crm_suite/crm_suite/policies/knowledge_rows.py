"""Rows of a knowledge base sheet (SPEC SVC-04): headers in Chinese or English, required cells, one
article per row, every problem named with its row number. Pure: no frappe import."""

from dataclasses import dataclass, field

# header (as people write it, case and spaces ignored) → Knowledge Article field
HEADERS = {
	"title": "title",
	"标题": "title",
	"category": "category",
	"分类": "category",
	"知识分类": "category",
	"keywords": "keywords",
	"关键词": "keywords",
	"question": "question",
	"问题": "question",
	"answer / content": "content",
	"answer": "content",
	"content": "content",
	"答案": "content",
	"内容": "content",
	"正文": "content",
}
REQUIRED = ("title", "category", "content")
MAX_ROWS = 5000


@dataclass
class ParsedSheet:
	articles: list[dict] = field(default_factory=list)
	# (sheet row number, problem code, detail): the service words them in the user's language
	errors: list[tuple[int, str, str]] = field(default_factory=list)


def _key(header) -> str:
	return " ".join(str(header or "").split()).casefold()


def _cell(value) -> str:
	return "" if value is None else str(value).strip()


def parse_sheet(rows: list[tuple]) -> ParsedSheet:
	"""The first row holds the headers; blank rows are skipped; the same title twice is an error."""
	parsed = ParsedSheet()
	if not rows:
		parsed.errors.append((1, "empty", ""))
		return parsed
	columns = {i: HEADERS.get(_key(h)) for i, h in enumerate(rows[0])}
	present = set(columns.values())
	for fieldname in REQUIRED:
		if fieldname not in present:
			parsed.errors.append((1, "missing_column", fieldname))
	if parsed.errors:
		return parsed
	if len(rows) - 1 > MAX_ROWS:
		parsed.errors.append((1, "too_many_rows", str(MAX_ROWS)))
		return parsed
	seen: dict[str, int] = {}
	for number, row in enumerate(rows[1:], start=2):
		values = {f: _cell(row[i]) for i, f in columns.items() if f and i < len(row)}
		if not any(values.values()):
			continue
		missing = [f for f in REQUIRED if not values.get(f)]
		if missing:
			parsed.errors.append((number, "missing_value", ", ".join(missing)))
			continue
		if values["title"] in seen:
			parsed.errors.append((number, "duplicate_title", values["title"]))
			continue
		seen[values["title"]] = number
		values["_row"] = number
		parsed.articles.append(values)
	return parsed
