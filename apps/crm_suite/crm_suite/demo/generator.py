"""Deterministic demo rows for customers (pure: no frappe import). Used by set-up, tests and benchmarks.

Rows are plain dicts of Customer Account columns; `load.py` writes them with bulk inserts.
Every row index maps to a distinct company (a mixed-radix permutation), so names never collide
however large the scale, and the same seed gives the same rows.
"""

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import cache, lru_cache

from crm_suite.demo.china import (
	BUSINESS_WORDS,
	COMPANY_WORDS,
	GIVEN_CHARS,
	LEGAL_FORMS,
	MOBILE_PREFIXES,
	PROVINCES,
	SURNAMES,
)
from crm_suite.policies.masters import INDUSTRIES, SOURCES
from crm_suite.policies.names import normalise_company_name
from crm_suite.policies.phones import normalise_phone
from crm_suite.policies.pinyin import initials_key, pinyin_keys

CITIES = [
	(province, city, code, post) for province, cities in PROVINCES.items() for city, code, post in cities
]
CATEGORIES = ("Potential", "Intention", "Key", "Deal", "Blacklist")
CATEGORY_WEIGHTS = (45, 30, 12, 12, 1)
_RADIX = (len(CITIES), len(COMPANY_WORDS), len(COMPANY_WORDS), len(BUSINESS_WORDS))
CAPACITY = _RADIX[0] * _RADIX[1] * _RADIX[2] * _RADIX[3]
_STRIDE = 7919  # prime, coprime with CAPACITY: i -> i*STRIDE mod CAPACITY is a permutation


def company_parts(index: int) -> tuple[tuple, str, str, str]:
	if index >= CAPACITY:
		raise ValueError(f"demo scale is limited to {CAPACITY} distinct companies")
	n = (index * _STRIDE) % CAPACITY
	n, c = divmod(n, _RADIX[0])
	n, w1 = divmod(n, _RADIX[1])
	biz, w2 = divmod(n, _RADIX[2])
	return CITIES[c], COMPANY_WORDS[w1], COMPANY_WORDS[w2], BUSINESS_WORDS[biz]


def mobile_number(rng: random.Random) -> str:
	return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


@cache
def local_number_length(area_code: str) -> int:
	"""8 digits in most cities, 7 in some (e.g. 0771): ask the numbering metadata once per area."""
	return 8 if normalise_phone(f"{area_code}-62345678").is_valid else 7


def landline_number(rng: random.Random, area_code: str) -> str:
	# Local numbers never start with 0 or 1.
	rest = local_number_length(area_code) - 1
	return f"{area_code}-{rng.randrange(2, 10)}{rng.randrange(10**rest):0{rest}d}"


def phone_key(number: str) -> str:
	"""E.164 key of a number made here (same result as policies.phones.normalise_phone, minus parsing)."""
	digits = number.replace("-", "")
	return "+86" + (digits[1:] if digits.startswith("0") else digits)


def person_name(rng: random.Random) -> str:
	return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2))))


class _PinyinCache:
	def __init__(self):
		self.cache: dict[str, tuple[str, str]] = {}

	def parts(self, text: str) -> tuple[str, str]:
		if text not in self.cache:
			full, initials = (pinyin_keys(text).split(" ") + [""])[:2]
			self.cache[text] = (full, initials)
		return self.cache[text]

	def keys(self, *parts: str) -> str:
		pairs = [self.parts(p) for p in parts]
		return ("".join(p[0] for p in pairs) + " " + "".join(p[1] for p in pairs))[:255]


def customer_rows(
	count: int,
	seed: int = 42,
	salespeople: list[tuple[str, str | None]] | None = None,
	pool: str = "Public Sea",
	start: int = 0,
	year: int = 2026,
	now: datetime | None = None,
) -> Iterator[dict]:
	"""Yield `count` customer rows. `salespeople` is [(user, department)]; about a third go to the pool."""
	rng = random.Random(seed * 1_000_003 + start)
	now = now or datetime(year, 11, 1, 9, 0, 0)
	pinyin = _PinyinCache()
	salespeople = salespeople or []
	for i in range(start, start + count):
		(province, city, area_code, postcode), w1, w2, biz = company_parts(i)
		form = LEGAL_FORMS[i % len(LEGAL_FORMS)]
		customer_name = f"{city}{w1}{w2}{biz}{form}"
		created = now - timedelta(days=rng.randrange(0, 720), minutes=rng.randrange(0, 1440))
		owned = salespeople and rng.random() < 0.66
		salesperson, department = rng.choice(salespeople) if owned else (None, None)
		category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
		state = ("Deal" if category == "Deal" else "Following") if owned else "Pool"
		claimed = created + timedelta(days=rng.randrange(0, 30)) if owned else None
		mobile = mobile_number(rng)
		landline = landline_number(rng, area_code)
		yield {
			"name": f"CUS-{year}-{i + 1:07d}",
			"naming_series": "CUS-.YYYY.-.#####",
			"customer_name": customer_name,
			"short_name": f"{w1}{w2}",
			"customer_category": category,
			"customer_kind": "Deal" if category == "Deal" else "No Deal",
			"stars": rng.choice((0.2, 0.4, 0.6, 0.8, 1.0)),
			"is_target": int(rng.random() < 0.2),
			"customer_source": rng.choice(SOURCES),
			"industry": rng.choice(INDUSTRIES),
			"province": province,
			"city": city if city + "市" != province else city + "城区",
			"customer_value": rng.randrange(1, 500) * 1000,
			"contact_person": person_name(rng),
			"mobile_no": mobile,
			"phone": landline,
			"website": f"https://www.demo{i + 1}.cn",
			"address": f"{province}{city}{rng.choice(COMPANY_WORDS)}路{rng.randrange(1, 999)}号",
			"postcode": postcode,
			"salesperson": salesperson,
			"sales_department": department,
			"customer_pool": None if owned else pool,
			"lifecycle_state": state,
			"claimed_on": claimed,
			"last_contact_on": claimed + timedelta(days=rng.randrange(0, 20)) if claimed else None,
			"deal_on": (claimed + timedelta(days=rng.randrange(1, 60))).date() if state == "Deal" else None,
			"name_key": normalise_company_name(customer_name),
			"name_pinyin": (keys := pinyin.keys(city, w1, w2, biz)),
			"name_initials": initials_key(keys),
			"creation": created,
			"modified": created,
		}
