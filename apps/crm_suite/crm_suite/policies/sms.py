"""SMS text from templates (SPEC CALL-06). Pure: placeholders are `{field}`; unknown ones stay visible."""

import re

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
# China's carriers bill a long message as several 70-character (UCS-2) parts; 500 is a sane ceiling.
MAX_LENGTH = 500


class SmsTooLong(ValueError):
	pass


def placeholders(template: str) -> list[str]:
	return sorted(set(_PLACEHOLDER.findall(template or "")))


def render_sms(template: str, values: dict, signature: str = "") -> str:
	"""Fill `{customer_name}`-style placeholders; a placeholder with no value becomes empty text."""

	def fill(match: re.Match) -> str:
		value = values.get(match.group(1))
		return "" if value is None else str(value)

	text = _PLACEHOLDER.sub(fill, template or "").strip()
	if signature and signature not in text:
		text = f"{signature}{text}"
	if len(text) > MAX_LENGTH:
		raise SmsTooLong(f"message is {len(text)} characters, more than {MAX_LENGTH}")
	return text


def sms_parts(text: str) -> int:
	"""Billing parts: 70 characters for one UCS-2 message, 67 per part when concatenated."""
	length = len(text)
	if length <= 70:
		return 1
	return -(-length // 67)
