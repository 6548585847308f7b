"""Company-name normalisation for duplicate detection (SPEC CUS-04, POOL-10). Pure: no frappe import.

Two registered names are "the same company" when they agree after folding width and case, dropping
spaces and punctuation (brackets included), and dropping the legal-form suffix, so that
"北京华联（集团）有限公司", "北京华联集团股份有限公司 " and "北京华联有限责任公司" collide.
"""

import re
import unicodedata

# Longest first: a shorter suffix must not eat the tail of a longer one.
_CN_SUFFIXES = (
	"股份有限公司",
	"有限责任公司",
	"集团有限公司",
	"有限公司",
	"分公司",
	"集团",
	"公司",
)
_EN_SUFFIXES = (
	"company limited",
	"co ltd",
	"coltd",
	"co limited",
	"corporation",
	"limited",
	"company",
	"group",
	"corp",
	"inc",
	"ltd",
	"llc",
	"co",
)
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def fold(text: str) -> str:
	"""Full-width to half-width, lower case, compatibility forms resolved."""
	return unicodedata.normalize("NFKC", text or "").casefold()


def normalise_company_name(name: str | None) -> str:
	"""The dedupe key of a registered company name; '' for a blank name."""
	text = fold(name)
	# English suffixes are matched on word boundaries before punctuation is removed.
	words = re.sub(r"[^\w]+", " ", text).split()
	changed = True
	while changed and words:
		changed = False
		for suffix in _EN_SUFFIXES:
			parts = suffix.split()
			if len(words) > len(parts) and words[-len(parts) :] == parts:
				words = words[: -len(parts)]
				changed = True
				break
	text = _PUNCT.sub("", "".join(words))
	changed = True
	while changed:
		changed = False
		for suffix in _CN_SUFFIXES:
			if len(text) > len(suffix) and text.endswith(suffix):
				text = text[: -len(suffix)]
				changed = True
				break
	return text
