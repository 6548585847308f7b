"""Phone-number normalisation for the lookup table, dedupe and caller ID (SPEC CUS-04, CUS-08, CALL-02).

Pure: uses `phonenumbers` (Google's offline metadata) but never frappe. Every stored number becomes a
key in E.164 form (`+8613812345678`, `+861088886666`) so that a caller-ID lookup is one exact match on
an indexed column, whatever form the number was typed or received in.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

# Extensions are written many ways in China: 010-88886666-123, 88886666转123, ext. 123, #123.
# Markers that can only mean "extension" always split; a bare "-" or space splits only when the
# number before it is complete and the whole is not (so 138 1234 5678 stays one number).
_EXPLICIT_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
_AMBIGUOUS_EXTENSION = re.compile(r"[\s-]+(\d{1,6})\s*$")
_DIGITS = re.compile(r"\d")

SERVICE_NUMBERS = frozenset(
	{
		"110",
		"112",
		"114",
		"119",
		"120",
		"122",
		"12110",
		"12315",
		"12345",
		"12348",
		"12306",
		"10086",
		"10010",
		"10000",
		"95588",
		"95533",
		"95599",
		"95555",
		"95566",
		"95559",
		"95528",
		"95558",
		"95501",
	}
)


_PLAIN_FIXED_LINE = re.compile(r"0\d{2,3}-?\d{7,8}")


@dataclass(frozen=True)
class NormalisedPhone:
	key: str  # E.164, or the bare digits of a service number
	national_number: str
	extension: str
	number_type: str  # Mobile / Fixed Line / Service / Unknown
	is_valid: bool


class PhoneNumberInvalid(ValueError):
	pass


def _parse(number: str, region: str):
	try:
		return phonenumbers.parse(number, region)
	except phonenumbers.NumberParseException:
		return None


def split_extension(raw: str, region: str = "CN") -> tuple[str, str]:
	"""Split a trailing extension off a number as typed: ('010-88886666', '123')."""
	text = (raw or "").strip()
	match = _EXPLICIT_EXTENSION.search(text)
	if match:
		return text[: match.start()].strip(" -"), match.group(1)
	match = _AMBIGUOUS_EXTENSION.search(text)
	if match:
		whole = _parse(text, region)
		if whole is None or not phonenumbers.is_valid_number(whole):
			head = text[: match.start()]
			parsed_head = _parse(head, region)
			if parsed_head is not None and phonenumbers.is_valid_number(parsed_head):
				return head.strip(" -"), match.group(1)
	return text, ""


def normalise_phone(
	raw: str | None, region: str = "CN", local_area_code: str | None = None
) -> NormalisedPhone:
	"""Normalise a phone number as typed or as received from a caller-ID device.

	Raises PhoneNumberInvalid for text that holds no usable number.
	"""
	if not raw or not _DIGITS.search(raw):
		raise PhoneNumberInvalid(raw)
	if (
		region == "CN"
		and len(raw) == 11
		and raw[0] == "1"
		and raw.isascii()
		and raw.isdigit()
		and _is_mobile_prefix(raw[:5])
	):
		# a mainland mobile as typed most of the time: phonenumbers decides by its leading digits
		return NormalisedPhone(f"+86{raw}", raw, "", "Mobile", True)
	if region == "CN" and raw.isascii() and _PLAIN_FIXED_LINE.fullmatch(raw):
		digits = raw.replace("-", "")
		if _is_fixed_line_prefix(digits[:5], len(digits)):  # 010-88886666, 0351-4372526 …
			return NormalisedPhone(f"+86{digits[1:]}", digits[1:], "", "Fixed Line", True)
	number, extension = split_extension(raw, region)
	digits = "".join(_DIGITS.findall(number))
	if not number.strip().startswith("+") and digits in SERVICE_NUMBERS:
		return NormalisedPhone(digits, digits, extension, "Service", True)
	if (
		local_area_code
		and region == "CN"
		and not number.strip().startswith(("+", "0"))
		and len(digits) in (7, 8)
	):
		number = local_area_code + digits
	parsed = _parse(number, region)
	if parsed is None:
		raise PhoneNumberInvalid(raw)
	national = str(parsed.national_number)
	key = f"+{parsed.country_code}{national}"
	valid = phonenumbers.is_valid_number(parsed)
	kind = phonenumbers.number_type(parsed)
	if kind in (PhoneNumberType.MOBILE,):
		label = "Mobile"
	elif kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.VOIP):
		label = "Fixed Line"
	elif kind in (PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST, PhoneNumberType.PREMIUM_RATE):
		label = "Service"
	else:
		label = "Unknown"
	return NormalisedPhone(key, national, extension, label, valid)


def _probes_agree(prefix: str, length: int, number_type: str) -> bool:
	"""Whether phonenumbers takes every `length`-digit mainland number starting with `prefix` for a
	valid number of `number_type`, judged by two probes (the rest all 0s, then all 9s): China's patterns
	fix the leading digits and then allow any, so a pattern that still cared about a later digit would
	fail one probe. tests/pure/test_policies.py compares this fast path with phonenumbers at random."""
	for filler in "09":
		probe = prefix + filler * (length - len(prefix))
		found = normalise_phone(f" {probe}", "CN")  # the space keeps the probe off the fast path
		national = probe[1:] if probe.startswith("0") else probe
		if not (found.is_valid and found.number_type == number_type and found.key == f"+86{national}"):
			return False
	return True


@lru_cache(maxsize=4096)
def _is_mobile_prefix(prefix: str) -> bool:
	"""An 11-digit number starting with these 5 digits is a valid mainland mobile (e.g. 13812…)."""
	return _probes_agree(prefix, 11, "Mobile")


@lru_cache(maxsize=16384)
def _is_fixed_line_prefix(prefix: str, length: int) -> bool:
	"""A fixed line written 0AREA-LOCAL or 0AREALOCAL: its first 5 digits and digit count decide."""
	return _probes_agree(prefix, length, "Fixed Line")


def mask_phone(raw: str | None) -> str:
	"""Hide the middle digits (SPEC ORG-06): 13812345678 -> 138****5678, 010-88886666 -> 010-8***6666."""
	if not raw:
		return raw or ""
	positions = [i for i, ch in enumerate(raw) if ch.isdigit()]
	if len(positions) < 7:
		return raw
	keep_head, keep_tail = 3, 4
	hidden = set(positions[keep_head : len(positions) - keep_tail])
	return "".join("*" if i in hidden else ch for i, ch in enumerate(raw))
