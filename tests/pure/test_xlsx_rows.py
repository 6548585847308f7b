"""The import's fast .xlsx row reader (SPEC CUS-07) yields exactly what openpyxl's read-only
`iter_rows(values_only=True)` yields, on every kind of cell, and declines sheets it was not built for."""

import io
import re
import zipfile
from datetime import date, datetime, time, timedelta

import pytest
from crm_suite.policies.xlsx_rows import sheet_rows
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904


def save(wb, tmp_path, name="book.xlsx") -> str:
	path = tmp_path / name
	wb.save(path)
	return str(path)


def both(path: str):
	wb = load_workbook(path, read_only=True, data_only=True)
	try:
		ws = wb.worksheets[0]
		expected = list(ws.iter_rows(values_only=True))
		fast = sheet_rows(path, wb, ws)
		return expected, (list(fast) if fast is not None else None)
	finally:
		wb.close()


def every_kind(ws):
	ws.append(["公司名称", "Mobile", "Value", "Since", "Flag", "Note"])
	ws.append(["北京华联(集团)有限公司", 13812345678, 12.5, datetime(2026, 11, 28, 9, 30), True, "a & b < c > \"d\" 'e'"])
	ws.append(["  spaced  ", "010-8888 6666", -3, date(2024, 2, 29), False, "多行\n文本"])
	ws.append([None, None, 1e-10, time(13, 45, 10), None, "#N/A"])
	ws.append(["x", 1.5e20, 0, timedelta(days=2, hours=3), None, "=SUM(C2:C4)"])
	ws.append([])
	ws.append(["after a gap", None, None, None, None, "😀 emoji"])


@pytest.mark.parametrize("write_only", [False, True])
def test_every_kind_of_cell_reads_as_openpyxl_reads_it(tmp_path, write_only):
	wb = Workbook(write_only=write_only)
	ws = wb.create_sheet("客户") if write_only else wb.active
	every_kind(ws)
	if not write_only:
		ws.cell(row=12, column=3, value="far below")  # rows 9-11 absent from the file
		ws["B13"] = CellRichText(["rich ", TextBlock(InlineFont(b=True), "text")])
	expected, fast = both(save(wb, tmp_path))
	assert fast is not None
	assert fast == expected
	assert any(isinstance(v, datetime) for row in fast for v in row)


def test_the_1904_calendar_is_honoured(tmp_path):
	wb = Workbook()
	wb.epoch = CALENDAR_MAC_1904
	wb.active.append([datetime(2026, 1, 2, 3, 4, 5), date(1999, 12, 31)])
	expected, fast = both(save(wb, tmp_path))
	assert fast == expected == [(datetime(2026, 1, 2, 3, 4, 5), datetime(1999, 12, 31))]


def rewrite_sheet(path: str, change) -> str:
	"""Copy the workbook with its first sheet's XML passed through `change`."""
	out = path.replace(".xlsx", "-changed.xlsx")
	with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
		for item in src.infolist():
			data = src.read(item.filename)
			if item.filename == "xl/worksheets/sheet1.xml":
				data = change(data)
			dst.writestr(item, data)
	return out


def test_cells_and_rows_without_references_are_placed_in_order(tmp_path):
	wb = Workbook()
	for r in range(1, 6):
		wb.active.append([f"r{r}c{c}" if (r + c) % 3 else None for c in range(1, 5)])
	path = rewrite_sheet(save(wb, tmp_path), lambda xml: re.sub(rb' r="[A-Z]*\d+"', b"", xml))
	expected, fast = both(path)
	assert fast == expected


def test_prefixed_namespaces_are_declined(tmp_path):
	wb = Workbook()
	wb.active.append(["a", 1])

	def prefix(xml: bytes) -> bytes:
		xml = re.sub(rb"<(/?)(sheetData|row|c|v|is|t)\b", rb"<\1x:\2", xml)
		return xml.replace(b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ', 1)

	path = rewrite_sheet(save(wb, tmp_path), prefix)
	wb = load_workbook(path, read_only=True, data_only=True)
	assert sheet_rows(path, wb, wb.worksheets[0]) is None
	wb.close()


def test_a_large_sheet_matches_row_for_row(tmp_path):
	wb = Workbook(write_only=True)
	ws = wb.create_sheet("big")
	for i in range(3000):
		ws.append([f"公司{i}", 13800000000 + i, i * 1.25, date(2020, 1, 1) + timedelta(days=i % 900), i % 2 == 0, None])
	expected, fast = both(save(wb, tmp_path))
	assert len(fast) == len(expected) == 3000
	assert fast == expected
