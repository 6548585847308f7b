"""Spreadsheet injection in exported files (SPEC CUS-07): Report View exports are rewritten after Frappe made
them, so the neutralisers must change exactly the dangerous cells and keep everything else byte for byte."""

import csv
import datetime
import io

import pytest
from crm_suite.policies.spreadsheet import neutralise_csv, neutralise_formula, neutralise_xlsx
from openpyxl import Workbook, load_workbook

ROWS = [
	["Name", "Customer Name", "Mobile", "Annual Revenue", "Remarks"],
	["CUS-1", '=HYPERLINK("http://x","点我")', "13800138000", 1200.5, "plain"],
	["CUS-2", "+86 10 1234", "-", -5, "line one\nline two, with comma"],
	["CUS-3", "@SUM(A1)", "\tTAB", 0, 'say "hi"'],
	["CUS-4", "北京华联", "-1+2", 3, "\rCR"],
]
DANGEROUS = {(1, 1), (2, 1), (2, 2), (3, 1), (3, 2), (4, 2), (4, 4)}


def write_csv(rows, **params) -> str:
	out = io.StringIO()
	csv.writer(out, **params).writerows(rows)
	return out.getvalue()


@pytest.mark.parametrize(
	"params",
	[
		{"quoting": csv.QUOTE_NONNUMERIC},
		{"quoting": csv.QUOTE_MINIMAL},
		{"quoting": csv.QUOTE_ALL, "delimiter": ";"},
		{"quoting": csv.QUOTE_NONNUMERIC, "delimiter": "\t"},
	],
)
def test_csv_cells_are_neutralised_and_the_rest_kept(params):
	text = write_csv(ROWS, **params)
	expected = write_csv([[neutralise_formula(v) for v in row] for row in ROWS], **params)
	# a number (-5) written as text looks the same as the number: numbers stay numbers
	expected = expected.replace("'-5", "-5")
	assert neutralise_csv(text, params.get("delimiter", ",")) == expected
	back = list(
		csv.reader(
			io.StringIO(neutralise_csv(text, params.get("delimiter", ","))),
			**{k: v for k, v in params.items() if k == "delimiter"},
		)
	)
	for r, row in enumerate(back):
		for c, value in enumerate(row):
			if (r, c) in DANGEROUS:
				assert value.startswith("'"), (r, c, value)
			elif not (r == 2 and c == 3):
				assert value == str(ROWS[r][c]), (r, c, value)


def test_csv_without_dangerous_cells_is_unchanged():
	text = write_csv([["a", 1, "b, c"], ["d\ne", 2.5, '"q"']], quoting=csv.QUOTE_NONNUMERIC)
	assert neutralise_csv(text) == text
	assert neutralise_csv("") == ""
	assert neutralise_csv("x") == "x"


def test_csv_odd_input_never_loses_text():
	for text in ['"unterminated, =x', '"a"b,=c\n', ",,,\r\n=,", '""']:
		assert neutralise_csv(text).replace("'", "") == text.replace("'", "")


def _xlsx(rows) -> bytes:
	book = Workbook(write_only=True)
	sheet = book.create_sheet("Customer Account")
	for row in rows:
		sheet.append(row)
	out = io.BytesIO()
	book.save(out)
	return out.getvalue()


def test_xlsx_formulas_and_formula_text_become_text():
	day = datetime.datetime(2026, 12, 1, 9, 30)
	# a workbook keeps no carriage return (it becomes a line feed, which starts no formula)
	rows = [[("+CR" if v == "\rCR" else v) for v in row] for row in ROWS]
	rows.append(["CUS-5", "正常", "010-1234", day, None])
	sheet = load_workbook(io.BytesIO(neutralise_xlsx(_xlsx(rows)))).active
	for r, row in enumerate(sheet.iter_rows()):
		for c, cell in enumerate(row):
			original = rows[r][c]
			if (r, c) in DANGEROUS:
				assert cell.data_type == "s" and cell.value == "'" + original, (r, c, cell.value)
			else:
				assert cell.value == original, (r, c, cell.value)
	assert load_workbook(io.BytesIO(_xlsx(ROWS))).active["B2"].data_type == "f", (
		"openpyxl writes a live formula"
	)


def test_xlsx_without_dangerous_cells_is_returned_as_is():
	content = _xlsx([["a", 1], ["b", 2.5]])
	assert neutralise_xlsx(content) is content
