"""Request arguments as endpoints receive them (JSON text or values), checked once: a malformed value is a
translated 417 (ValidationError), never a server error, and never raw SQL (Frappe's list query takes a
filter given as text as an SQL condition)."""

import json

import frappe
from frappe import _


class InvalidArgument(frappe.ValidationError):
	pass


def _invalid(what: str):
	frappe.throw(_("Invalid {0}.").format(_(what)), InvalidArgument, title=_("Invalid Input"))


def parse_filters(filters) -> dict | list | None:
	"""List-view filters: a dict, or a list of [field, operator, value] / [doctype, field, operator,
	value] lists; JSON text of either; empty for none."""
	if filters is None or filters == "" or filters == [] or filters == {}:
		return None
	if isinstance(filters, str):
		try:
			filters = json.loads(filters)
		except ValueError:
			_invalid("filters")
		if filters in (None, "", [], {}):
			return None
	if isinstance(filters, dict):
		for key, value in filters.items():
			if not (isinstance(key, str) and key) or (
				isinstance(value, list | tuple) and not (len(value) == 2 and isinstance(value[0], str))
			):
				_invalid("filters")
		return filters
	if isinstance(filters, list):
		for row in filters:
			if not (
				isinstance(row, list | tuple)
				and len(row) in (3, 4)
				and all(isinstance(part, str) and part for part in row[: len(row) - 1])
			):
				_invalid("filters")
		return filters
	_invalid("filters")


def parse_names(names, what: str = "names") -> list[str]:
	"""Record names: a list, JSON text of a list, or one name; blanks dropped."""
	if isinstance(names, str):
		text = names.strip()
		if text.startswith("["):
			try:
				names = json.loads(text)
			except ValueError:
				_invalid(what)
		else:
			names = [text]
	if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
		_invalid(what)
	return [n for n in names if n]


def parse_date(value: str | None) -> str | None:
	"""A date or datetime text Frappe can read; empty for none."""
	if not value:
		return None
	try:
		frappe.utils.get_datetime(value)
	except Exception:
		_invalid("date")
	return value
