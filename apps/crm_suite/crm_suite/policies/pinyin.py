"""Pinyin search keys for Chinese names (SPEC CUS-06): `bjhl` and `beijinghualian` both find 北京华联."""

from functools import lru_cache


@lru_cache(maxsize=1)
def _lazy():
	from pypinyin import Style, lazy_pinyin

	return lazy_pinyin, Style


def pinyin_keys(text: str | None) -> str:
	"""'full initials' in lower case, e.g. '北京华联' -> 'beijinghualian bjhl'. Non-Chinese text passes through."""
	if not text:
		return ""
	lazy_pinyin, Style = _lazy()
	full = "".join(lazy_pinyin(text, errors="default")).lower()
	initials = "".join(p[0] for p in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default") if p).lower()
	full = "".join(ch for ch in full if ch.isalnum())
	initials = "".join(ch for ch in initials if ch.isalnum())
	return f"{full} {initials}"[:255]
