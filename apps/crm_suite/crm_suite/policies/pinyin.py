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


def initials_key(keys: str | None) -> str:
	"""The initials part of `pinyin_keys` ('beijinghualian bjhl' -> 'bjhl'), stored on its own so that
	search can match it by prefix on an index (SPEC CUS-06)."""
	return (keys or "").rpartition(" ")[2][:64]


@lru_cache(maxsize=1)
def _segmenter():
	from pypinyin.seg.simpleseg import seg

	return seg


class SegmentPinyin:
	"""`pinyin_keys` for many names at once (imports): pypinyin converts word by word after segmenting,
	and converting is the costly part, so converted words are cached. Same keys as `pinyin_keys`."""

	def __init__(self, max_words: int = 200_000):
		self.words: dict[str, list[str]] = {}
		self.max_words = max_words

	def _word(self, word: str) -> list[str]:
		items = self.words.get(word)
		if items is None:
			items = _lazy()(word, errors=lambda run: list(run))
			if len(self.words) < self.max_words:
				self.words[word] = items
		return items

	def keys(self, text: str | None) -> str:
		if not text:
			return ""
		items = [item for word in _segmenter()(text) for item in self._word(word)]
		full = "".join(ch for ch in "".join(items).lower() if ch.isalnum())
		initials = "".join(ch for ch in "".join(item[0] for item in items if item).lower() if ch.isalnum())
		return f"{full} {initials}"[:255]
