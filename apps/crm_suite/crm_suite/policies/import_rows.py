"""Check and convert spreadsheet rows of a customer import (SPEC CUS-07). Pure: no frappe import.

The service describes each column once (`ColumnSpec`, built from the doctype's meta, so admin-added
Custom Fields take part with no code) and hands over plain row tuples as openpyxl reads them. Each row
comes back as a `CheckedRow`: converted values, the search keys (normalised name, pinyin), the phone
keys for the lookup table and the problems found, as (fieldname, code, args) for the caller to
translate. Database checks (links exist, duplicates against stored customers) stay in the service.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from crm_suite.policies.names import normalise_company_name
from crm_suite.policies.phones import NormalisedPhone, PhoneNumberInvalid, normalise_phone
from crm_suite.policies.pinyin import SegmentPinyin

TEXT_TYPES = frozenset({"Data", "Small Text", "Text", "Long Text", "Link", "Read Only", "Phone"})
INT_TYPES = frozenset({"Int"})
FLOAT_TYPES = frozenset({"Float", "Currency", "Percent"})
IMPORTABLE_TYPES = (
	TEXT_TYPES | INT_TYPES | FLOAT_TYPES | {"Select", "Check", "Date", "Datetime", "Rating", "Text Editor"}
)
TRUE_WORDS = frozenset({"1", "y", "yes", "true", "是", "对", "√", "✓"})
FALSE_WORDS = frozenset({"0", "n", "no", "false", "否", "不是", "×", "✗"})
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NUMBER_NOISE = re.compile(r"[,，\s¥￥]")

# Problem codes; the service owns their translated messages.
REQUIRED = "required"
INVALID_PHONE = "invalid_phone"
INVALID_NUMBER = "invalid_number"
INVALID_DATE = "invalid_date"
INVALID_OPTION = "invalid_option"
INVALID_EMAIL = "invalid_email"
INVALID_CHECK = "invalid_check"
TOO_LONG = "too_long"


@dataclass(frozen=True)
class ColumnSpec:
	fieldname: str
	fieldtype: str
	# Select: accepted text (stored value or its translation) -> stored value
	choices: dict[str, str] | None = None
	is_phone: bool = False
	is_email: bool = False
	max_length: int | None = None
	rating_stars: int = 5


@dataclass
class CheckedRow:
	row_number: int  # as the spreadsheet shows it
	values: dict
	problems: list[tuple[str, str, tuple]] = field(default_factory=list)
	phones: list[tuple[str, NormalisedPhone]] = field(default_factory=list)
	name_key: str = ""
	name_pinyin: str = ""

	@property
	def ok(self) -> bool:
		return not self.problems


def as_text(value) -> str | None:
	"""Cell value as text: numbers typed into Excel (13812345678, 2.0) lose their float tail."""
	if value is None:
		return None
	if isinstance(value, bool):
		return "1" if value else "0"
	if isinstance(value, float) and value.is_integer():
		value = int(value)
	if isinstance(value, datetime):
		return value.isoformat(sep=" ")
	text = str(value).strip()
	return text or None


def _parse_number(value, integer: bool):
	if isinstance(value, bool):
		raise ValueError(value)
	if isinstance(value, int | float):
		number = value
	else:
		number = float(_NUMBER_NOISE.sub("", str(value)))
	if integer:
		if float(number) != int(number):
			raise ValueError(value)
		return int(number)
	return float(number)


def _parse_date(value, with_time: bool):
	if isinstance(value, datetime):
		return value if with_time else value.date()
	if isinstance(value, date):
		return datetime.combine(value, time()) if with_time else value
	text = str(value).strip()
	for fmt in (DATETIME_FORMATS + DATE_FORMATS) if with_time else DATE_FORMATS:
		try:
			parsed = datetime.strptime(text, fmt)
		except ValueError:
			continue
		return parsed if with_time else parsed.date()
	raise ValueError(value)


def convert_cell(spec: ColumnSpec, raw):
	"""(value, problem) for one cell; problem is None or (code, args)."""
	if spec.fieldtype in INT_TYPES or spec.fieldtype in FLOAT_TYPES:
		try:
			return _parse_number(raw, spec.fieldtype in INT_TYPES), None
		except (TypeError, ValueError):
			return None, (INVALID_NUMBER, (as_text(raw),))
	if spec.fieldtype == "Rating":
		try:
			number = _parse_number(raw, False)
		except (TypeError, ValueError):
			return None, (INVALID_NUMBER, (as_text(raw),))
		# Whole numbers count stars (what people type); fractions are Frappe's stored form.
		if number.is_integer() and 0 <= number <= spec.rating_stars:
			return number / spec.rating_stars, None
		if 0 <= number <= 1:
			return number, None
		return None, (INVALID_NUMBER, (as_text(raw),))
	if spec.fieldtype in ("Date", "Datetime"):
		try:
			return _parse_date(raw, spec.fieldtype == "Datetime"), None
		except (TypeError, ValueError):
			return None, (INVALID_DATE, (as_text(raw),))
	text = as_text(raw)
	if spec.fieldtype == "Check":
		word = (text or "").lower()
		if word in TRUE_WORDS:
			return 1, None
		if word in FALSE_WORDS:
			return 0, None
		return None, (INVALID_CHECK, (text,))
	if spec.fieldtype == "Select":
		stored = (spec.choices or {}).get(text)
		if stored is None:
			return None, (INVALID_OPTION, (text,))
		return stored, None
	if spec.max_length and text and len(text) > spec.max_length:
		return None, (TOO_LONG, (spec.max_length,))
	if spec.is_email and text and not _EMAIL.match(text):
		return None, (INVALID_EMAIL, (text,))
	return text, None


class RowChecker:
	"""Checks rows against the column specs; keeps a pinyin cache across rows (names share words)."""

	def __init__(
		self,
		columns: list[ColumnSpec | None],
		required: tuple[str, ...],
		phone_region: str = "CN",
		local_area_code: str | None = None,
		name_field: str = "customer_name",
	):
		self.columns = columns  # positions of the sheet; None for an ignored column
		self.required = tuple(f for f in required if any(c and c.fieldname == f for c in columns))
		self.region = phone_region
		self.area = local_area_code
		self.name_field = name_field
		self.pinyin = SegmentPinyin()

	def check(self, row_number: int, cells: tuple) -> CheckedRow:
		values, problems, phones = {}, [], []
		for spec, raw in zip(self.columns, cells, strict=False):
			if spec is None or raw is None or (isinstance(raw, str) and not raw.strip()):
				continue
			value, problem = convert_cell(spec, raw)
			if problem:
				problems.append((spec.fieldname, *problem))
				continue
			if spec.is_phone and value:
				try:
					phone = normalise_phone(value, self.region, self.area)
				except PhoneNumberInvalid:
					phone = None
				if phone is None or not phone.is_valid:
					problems.append((spec.fieldname, INVALID_PHONE, (value,)))
					continue
				phones.append((spec.fieldname, phone))
			values[spec.fieldname] = value
		problems.extend(
			(f, REQUIRED, ())
			for f in self.required
			if values.get(f) in (None, "") and not _failed(problems, f)
		)
		checked = CheckedRow(row_number, values, problems, phones)
		name = values.get(self.name_field)
		if name:
			checked.name_key = normalise_company_name(name)
			checked.name_pinyin = self.pinyin.keys(name)
		return checked


def _failed(problems: list, fieldname: str) -> bool:
	return any(p[0] == fieldname for p in problems)


def is_blank(cells: tuple) -> bool:
	return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)
