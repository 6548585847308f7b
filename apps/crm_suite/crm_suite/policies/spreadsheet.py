"""Spreadsheet (CSV / Excel) injection (SPEC CUS-07): a cell whose text starts with = + - @ or a tab / carriage
return is read as a formula by spreadsheet programs. Exports prefix such text with an apostrophe, as OWASP
advises, so it is shown as text and never run. Pure: no frappe import."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
	"""`value` made safe for a spreadsheet cell: text that would start a formula gets a leading apostrophe;
	numbers, dates and other text are returned unchanged."""
	if isinstance(value, str) and value.startswith(FORMULA_STARTS):
		return "'" + value
	return value


def neutralise_row(row) -> list:
	return [neutralise_formula(value) for value in row]


def _looks_numeric(text: str) -> bool:
	try:
		float(text)
	except ValueError:
		return False
	return True


def _csv_fields(text: str, delimiter: str, quotechar: str):
	"""Split CSV text into (field text as written, was it quoted, the separator after it) without
	unquoting anything: the file can be written back byte for byte."""
	i, n = 0, len(text)
	while i < n:
		if text[i] == quotechar:
			j = i + 1
			while j < n:
				if text[j] == quotechar:
					if j + 1 < n and text[j + 1] == quotechar:
						j += 2
						continue
					break
				j += 1
			end = min(j + 1, n)
			k = end
			while k < n and text[k] not in (delimiter, "\r", "\n"):  # stray text after a closing quote
				k += 1
			field, quoted = text[i:k], True
		else:
			k = i
			while k < n and text[k] not in (delimiter, "\r", "\n"):
				k += 1
			field, quoted = text[i:k], False
		sep_end = k
		if k < n and text[k] == delimiter:
			sep_end = k + 1
		elif text.startswith("\r\n", k):
			sep_end = k + 2
		elif k < n:
			sep_end = k + 1
		yield field, quoted, text[k:sep_end]
		i = sep_end


def neutralise_csv(text: str, delimiter: str = ",", quotechar: str = '"') -> str:
	"""CSV text with every formula-starting text cell prefixed by an apostrophe, written back otherwise
	unchanged (quoting, separators, line ends). A cell that is a number (e.g. -5) stays a number: a CSV file
	cannot tell the number from the same text, and a number runs nothing."""
	out = []
	for field, quoted, separator in _csv_fields(text, delimiter, quotechar):
		value = field[1:] if quoted else field
		if value.startswith(FORMULA_STARTS) and not _looks_numeric(value.rstrip(quotechar)):
			field = field[0] + "'" + value if quoted else "'" + value
		out.append(field + separator)
	return "".join(out)


def neutralise_xlsx(content: bytes) -> bytes:
	"""An .xlsx workbook with every formula cell and formula-starting text cell turned into text with a leading
	apostrophe; numbers, dates and other cells are left as they are."""
	from io import BytesIO

	from openpyxl import load_workbook

	workbook = load_workbook(BytesIO(content))
	changed = False
	for sheet in workbook.worksheets:
		for row in sheet.iter_rows():
			for cell in row:
				if cell.data_type in ("s", "f") and isinstance(cell.value, str):
					safe = neutralise_formula(cell.value)
					if safe is not cell.value:
						cell.value = safe
						cell.data_type = "s"
						changed = True
	if not changed:
		return content
	out = BytesIO()
	workbook.save(out)
	return out.getvalue()
