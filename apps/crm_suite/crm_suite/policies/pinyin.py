"""Pinyin search keys for Chinese names (SPEC CUS-06): `bjhl` and `beijinghualian` both find 北京华联."""

from functools import lru_cache


@lru_cache(maxsize=1)
def _lazy():
	from pypinyin import lazy_pinyin

	return lazy_pinyin


def pinyin_keys(text: str | None) -> str:
	"""'full initials' in lower case, e.g. '北京华联' -> 'beijinghualian bjhl'. Non-Chinese text passes through."""
	if not text:
		return ""
	lazy_pinyin = _lazy()
	# Non-Chinese runs come back one character per item, so "ABC公司" has initials "abcgs".
	items = lazy_pinyin(text, errors=lambda run: list(run))
	full = "".join(items).lower()
	initials = "".join(item[0] for item in items if item).lower()
	full = "".join(ch for ch in full if ch.isalnum())
	initials = "".join(ch for ch in initials if ch.isalnum())
	return f"{full} {initials}"[:255]
