"""What a phone line dials for a number (SPEC CALL-04, CALL-07). Pure: phonenumbers, never frappe."""

import re

import phonenumbers

from crm_suite.policies.phones import PhoneNumberInvalid, normalise_phone

_DIALABLE = re.compile(r"^[0-9*#]+$")
_PREFIX = re.compile(r"^[0-9*#,]*$")


class NotDialable(ValueError):
	"""The number cannot be dialled from this line (empty, not a number, or bad prefix)."""


def dial_string(
	number: str, *, region: str = "CN", outside_line_prefix: str = "", local_area_code: str = ""
) -> str:
	"""Digits for `ATD…;`: the outside-line prefix, then the number as dialled from the line's area.

	Local fixed-line numbers (same area code as the line) are dialled without the area code; other
	numbers in the line's country in national form (trunk 0 + area code, mobiles as 11 digits); foreign
	numbers with the international prefix. A comma after the prefix waits for the outside dial tone.
	"""
	prefix = (outside_line_prefix or "").strip()
	if not _PREFIX.match(prefix):
		raise NotDialable(f"outside-line prefix {prefix!r} may hold only digits, * # and ,")
	try:
		phone = normalise_phone(number, region, local_area_code or None)
	except PhoneNumberInvalid:
		raise NotDialable(f"{number!r} is not a phone number") from None
	if phone.number_type == "Service" and not phone.key.startswith("+"):
		digits = phone.key
	else:
		parsed = phonenumbers.parse(phone.key)
		digits = phonenumbers.format_number_for_mobile_dialing(parsed, region, with_formatting=False)
		if not digits:
			digits = phonenumbers.format_out_of_country_calling_number(parsed, region)
		if digits.startswith("+"):
			digits = "00" + digits[1:]  # the international prefix of CN and most of the world
		digits = re.sub(r"[^0-9*#]", "", digits)
		area = (local_area_code or "").strip()
		if (
			area
			and phone.number_type != "Mobile"
			and digits.startswith(area)
			and len(digits) - len(area) >= 7
		):
			digits = digits[len(area) :]
	if not digits or not _DIALABLE.match(digits):
		raise NotDialable(f"{number!r} gives nothing to dial")
	return prefix + digits
