"""Number helpers (SPEC CALL-07): where a number is from and which carrier, from phonenumbers'
offline geocoder and carrier data. Pure: never imports frappe."""

from dataclasses import dataclass

import phonenumbers
from phonenumbers import carrier, geocoder

from crm_suite.policies.phones import PhoneNumberInvalid, normalise_phone


@dataclass(frozen=True)
class NumberInfo:
	key: str
	number_type: str
	region: str  # 北京市 / 广东省深圳市, or "" when unknown
	carrier: str  # 中国移动, or "" for fixed lines and unknown ranges
	area_code: str  # trunk-prefixed area code of a fixed line (010, 0755), else ""
	is_valid: bool


def number_info(
	raw: str, region: str = "CN", local_area_code: str | None = None, lang: str = "zh"
) -> NumberInfo:
	phone = normalise_phone(raw, region, local_area_code)
	if not phone.key.startswith("+"):
		return NumberInfo(phone.key, phone.number_type, "", "", "", phone.is_valid)
	parsed = phonenumbers.parse(phone.key)
	area_code = ""
	if phone.number_type == "Fixed Line" and parsed.country_code == 86:
		length = phonenumbers.length_of_geographical_area_code(parsed)
		if length:
			area_code = "0" + str(parsed.national_number)[:length]
	return NumberInfo(
		key=phone.key,
		number_type=phone.number_type,
		region=geocoder.description_for_number(parsed, lang, region=region) or "",
		carrier=carrier.name_for_number(parsed, lang) or "",
		area_code=area_code,
		is_valid=phone.is_valid,
	)


def local_number_candidates(raw: str, area_codes: list[str], country_code: str = "86") -> list[str]:
	"""E.164 keys a 7–8 digit local number could be under, one per known area code (suffix fallback).

	Returns [] for anything that is not a bare local number.
	"""
	digits = "".join(ch for ch in raw or "" if ch.isdigit())
	stripped = (raw or "").strip()
	if stripped.startswith(("+", "0")) or len(digits) not in (7, 8) or digits.startswith("1"):
		return []
	keys = []
	for code in area_codes:
		code = "".join(ch for ch in code or "" if ch.isdigit()).lstrip("0")
		if code:
			keys.append(f"+{country_code}{code}{digits}")
	return sorted(set(keys))


__all__ = ["NumberInfo", "PhoneNumberInvalid", "local_number_candidates", "number_info"]
