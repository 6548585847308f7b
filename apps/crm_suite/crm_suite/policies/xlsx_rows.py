"""Fast rows of an .xlsx sheet, for the customer import (SPEC CUS-07). Pure: no frappe import.

openpyxl's read-only reader builds an object per cell, about 18 µs each: a 100k-row, 15-column file
took 26 s just to read. This reader walks the sheet's XML with compiled patterns instead and reuses
what `openpyxl.load_workbook(read_only=True)` has already read (shared strings, which styles are
dates, the date epoch), so it yields what `iter_rows(values_only=True)` yields for the same sheet —
tests/pure/test_xlsx_rows.py compares the two on every kind of cell — several times faster.

It declines (returns None) what it was not built for, e.g. sheets written with namespace prefixes or
in another encoding than UTF-8; the caller then reads them with openpyxl.
"""

import re
import zipfile
from collections.abc import Iterator
from html import unescape

from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601

_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:row|c|sheetData)\b")
_DECLARED_ENCODING = re.compile(rb'^<\?xml[^>]*encoding="([^"]+)"', re.I)
_SHEET_DATA = re.compile(rb"<sheetData\b[^>]*?(?:/>|>(.*?)</sheetData>)", re.S)
_DIMENSION = re.compile(rb'<dimension\b[^>]*\bref="([^"]+)"')
_ROW = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
# A cell as Excel and openpyxl write it (attributes r, s, t in that order; a plain value or a plain
# inline string) is taken by the first branch in one step; any other cell by the general branch.
_CELL = re.compile(
	rb'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?(?:/>|>(?:<v>([^<]*)</v>|<is><t>([^<]*)</t></is>)</c>)'
	rb"|<c\b([^>]*?)(?:/>|>(.*?)</c>)",
	re.S,
)
_ATTR = re.compile(rb'\s([rts])="([^"]*)"')
_VALUE = re.compile(rb"<v(?:\s[^>]*)?>(.*?)</v>", re.S)
_INLINE = re.compile(rb"<is\b[^>]*?(?:/>|>(.*?)</is>)", re.S)
_TEXT = re.compile(rb"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
_PHONETIC = re.compile(rb"<rPh\b.*?</rPh>", re.S)
_COORDINATE = re.compile(r"([A-Z]+)(\d+)")


def _text(raw: bytes) -> str:
	text = raw.decode("utf-8")
	return unescape(text) if "&" in text else text


def _number(text: str):
	return float(text) if ("." in text or "E" in text or "e" in text) else int(text)


class _Cells:
	def __init__(self, shared_strings, date_styles, timedelta_styles, epoch):
		self.shared = shared_strings
		self.dates = date_styles
		self.timedeltas = timedelta_styles
		self.epoch = epoch

	def value(self, attrs: dict, inner: bytes | None):
		kind = attrs.get(b"t", b"n")
		if kind == b"inlineStr":
			found = _INLINE.search(inner or b"")
			if not found:
				return None
			return _text(b"".join(_TEXT.findall(_PHONETIC.sub(b"", found.group(1) or b""))))
		found = _VALUE.search(inner) if inner else None
		return self.plain(kind, found.group(1) if found else b"", int(attrs.get(b"s") or 0))

	def plain(self, kind: bytes, raw: bytes, style: int):
		"""The value of a cell of type `kind` whose <v> holds `raw`."""
		if not raw:
			return None
		if kind == b"n":
			value = _number(raw.decode())
			if style in self.dates:
				try:
					return from_excel(value, self.epoch, timedelta=style in self.timedeltas)
				except (OverflowError, ValueError):
					return "#VALUE!"
			return value
		if kind == b"s":
			return self.shared[int(raw)]
		if kind == b"b":
			return bool(int(raw))
		if kind == b"d":
			return from_ISO8601(_text(raw))
		return _text(raw)  # "str" (a formula's text result), "e" (an error such as #N/A)


def _width(sheet: bytes) -> int:
	found = _DIMENSION.search(sheet[:4096])
	if not found:
		return 0
	last = found.group(1).decode().split(":")[-1]
	match = _COORDINATE.fullmatch(last)
	return column_index_from_string(match.group(1)) if match else 0


def sheet_rows(path: str, workbook, worksheet) -> Iterator[tuple] | None:
	"""Rows of `worksheet` (opened read-only from `path`) as value tuples, or None to decline."""
	sheet_path = (getattr(worksheet, "_worksheet_path", None) or "").lstrip("/")
	try:
		shared = workbook.shared_strings
		dates = workbook._date_formats
		timedeltas = workbook._timedelta_formats
		epoch = workbook.epoch
	except AttributeError:  # another openpyxl than the one this was written against
		return None
	with zipfile.ZipFile(path) as archive:
		if sheet_path not in archive.namelist():
			return None
		sheet = archive.read(sheet_path)
	declared = _DECLARED_ENCODING.match(sheet)
	if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
		return None
	if _PREFIXED.search(sheet):
		return None
	data = _SHEET_DATA.search(sheet)
	if not data:
		return None
	return _rows(data.group(1) or b"", _Cells(shared, dates, timedeltas, epoch), _width(sheet))


def _rows(data: bytes, cells: _Cells, width: int) -> Iterator[tuple]:
	expected = 1
	columns: dict[bytes, int] = {}
	for row in _ROW.finditer(data):
		attrs = dict(_ATTR.findall(row.group(1)))
		number = int(attrs[b"r"]) if b"r" in attrs else expected
		while expected < number:  # rows the file leaves out are empty rows
			yield (None,) * width
			expected += 1
		values: list = []
		column = 0
		for cell in _CELL.finditer(row.group(2) or b""):
			letters, style, kind, plain, inline, general_attrs, general_inner = cell.groups()
			if letters is not None:
				column = columns.get(letters) or columns.setdefault(
					letters, column_index_from_string(letters.decode())
				)
				if inline is not None:
					value = _text(inline)
				elif plain is None:
					value = None
				else:
					value = cells.plain(kind or b"n", plain, int(style or 0))
			else:
				cell_attrs = dict(_ATTR.findall(general_attrs))
				coordinate = cell_attrs.get(b"r")
				match = _COORDINATE.fullmatch(coordinate.decode()) if coordinate else None
				column = column_index_from_string(match.group(1)) if match else column + 1
				value = cells.value(cell_attrs, general_inner)
			if column > len(values):
				values.extend([None] * (column - len(values)))
			values[column - 1] = value
		if len(values) < width:
			values.extend([None] * (width - len(values)))
		yield tuple(values)
		expected = number + 1
