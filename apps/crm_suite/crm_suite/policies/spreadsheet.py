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
