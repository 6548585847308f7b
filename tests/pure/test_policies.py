"""Pure policies: company-name dedupe key (CUS-04, POOL-10), phone normalisation and masking
(CUS-08, ORG-06, CALL-02), pinyin keys (CUS-06) and the demo generator (foundation)."""

import pytest
from crm_suite.demo.generator import CAPACITY, company_parts, customer_rows, phone_key
from crm_suite.policies.names import normalise_company_name
from crm_suite.policies.phones import PhoneNumberInvalid, mask_phone, normalise_phone
from crm_suite.policies.pinyin import pinyin_keys


@pytest.mark.parametrize(
	"variant",
	[
		"北京华联有限公司",
		"北京华联有限责任公司",
		"北京华联股份有限公司",
		"北京华联（集团）有限公司",
		"北京华联(集团)",
		" 北京 华联 公司 ",
		"北京华联集团有限公司",
	],
)
def test_company_suffix_bracket_and_space_variants_collide(variant):
	assert normalise_company_name(variant) == "北京华联"


@pytest.mark.parametrize(
	"a,b",
	[
		("ＡＢＣ Trading Co., Ltd.", "abc trading"),
		("ABC TRADING COMPANY LIMITED", "abc trading"),
		("Abc Trading Co.Ltd", "abc trading"),
		("abc-trading inc", "abc trading"),
	],
)
def test_english_width_case_and_legal_forms_fold(a, b):
	assert normalise_company_name(a) == normalise_company_name(b)


def test_distinct_companies_stay_distinct():
	assert normalise_company_name("北京华联科技有限公司") != normalise_company_name("北京华联贸易有限公司")
	assert normalise_company_name("有限公司"), "a bare suffix is not stripped to nothing"
	assert normalise_company_name(None) == ""


@pytest.mark.parametrize(
	"raw,key,ext,kind",
	[
		("13812345678", "+8613812345678", "", "Mobile"),
		("138 1234 5678", "+8613812345678", "", "Mobile"),
		("+86 138-1234-5678", "+8613812345678", "", "Mobile"),
		("010-88886666", "+861088886666", "", "Fixed Line"),
		("(010) 8888 6666", "+861088886666", "", "Fixed Line"),
		("010-88886666转123", "+861088886666", "123", "Fixed Line"),
		("010-88886666-123", "+861088886666", "123", "Fixed Line"),
		("0755-23456789 ext. 12", "+8675523456789", "12", "Fixed Line"),
		("95588", "95588", "", "Service"),
	],
)
def test_phone_forms_normalise_to_one_key(raw, key, ext, kind):
	phone = normalise_phone(raw)
	assert (phone.key, phone.extension, phone.number_type) == (key, ext, kind)
	assert phone.is_valid


def test_local_numbers_take_the_configured_area_code():
	assert normalise_phone("88886666", local_area_code="021").key == "+862188886666"
	assert normalise_phone("88886666", local_area_code="010").key == "+861088886666"


@pytest.mark.parametrize("raw", ["", None, "n/a", "电话"])
def test_text_without_a_number_is_rejected(raw):
	with pytest.raises(PhoneNumberInvalid):
		normalise_phone(raw)


def test_short_junk_is_not_valid():
	assert not normalise_phone("123").is_valid


@pytest.mark.parametrize(
	"raw,masked",
	[("13812345678", "138****5678"), ("010-88886666", "010-****6666"), ("12345", "12345"), ("", "")],
)
def test_masking_hides_middle_digits(raw, masked):
	assert mask_phone(raw) == masked


def test_pinyin_full_and_initials():
	assert pinyin_keys("北京华联") == "beijinghualian bjhl"
	assert pinyin_keys("ABC公司") == "abcgongsi abcgs"
	assert pinyin_keys("重庆") == "chongqing cq", "polyphones read in context"
	assert pinyin_keys("") == ""


def test_demo_rows_are_deterministic_unique_and_valid():
	people = [("a@x.cn", "D1"), ("b@x.cn", "D2")]
	first = list(customer_rows(3000, seed=3, salespeople=people))
	again = list(customer_rows(3000, seed=3, salespeople=people))
	assert first == again
	assert len({r["name_key"] for r in first}) == 3000, "every demo company is distinct after normalisation"
	assert len({r["name"] for r in first}) == 3000
	for row in first[:300]:
		for field in ("mobile_no", "phone"):
			phone = normalise_phone(row[field])
			assert phone.is_valid, row[field]
			assert phone.key == phone_key(row[field])
		assert row["customer_name"].endswith("公司")
		assert (row["salesperson"] is None) == (row["lifecycle_state"] == "Pool")
	owners = {r["salesperson"] for r in first}
	assert owners == {None, "a@x.cn", "b@x.cn"}


def test_demo_generator_scales_to_a_million_distinct_companies():
	assert CAPACITY >= 1_000_000
	seen = {company_parts(i) for i in range(0, CAPACITY, CAPACITY // 5000)}
	assert len(seen) == len(range(0, CAPACITY, CAPACITY // 5000))
	with pytest.raises(ValueError):
		company_parts(CAPACITY)


def _fast_path_kinds(numbers) -> set[str]:
	"""normalise_phone's prefix fast path against its full phonenumbers path (a leading space keeps a
	number off the fast path) on every number; returns the kinds of outcome seen."""
	def outcome(raw: str):
		try:
			return normalise_phone(raw, "CN")
		except PhoneNumberInvalid:
			return "invalid"

	kinds = set()
	for raw in numbers:
		fast = outcome(raw)
		assert fast == outcome(f" {raw}"), raw
		kinds.add(fast if fast == "invalid" else fast.number_type)
	return kinds


def test_mobile_fast_path_agrees_with_phonenumbers_on_random_numbers():
	"""Plain 11-digit mainland numbers are answered per 5-digit prefix: the same as phonenumbers on 30k
	random ones (every prefix 10-19)."""
	import random

	rng = random.Random(20261128)
	assert _fast_path_kinds(f"1{rng.randrange(10**10):010d}" for _ in range(30_000)) >= {"Mobile", "invalid"}


def test_fixed_line_fast_path_agrees_with_phonenumbers_on_random_numbers():
	"""Plain 0AREA-LOCAL / 0AREALOCAL numbers are answered per 5-digit prefix and length: the same as
	phonenumbers on 30k random ones (real and unassigned area codes, 7- and 8-digit local numbers)."""
	import random

	rng = random.Random(1128)

	def number() -> str:
		area = rng.choice(["10", "20", "21", "22", "23", "24", "25", "27", "28", "29"]) if rng.random() < 0.4 else f"{rng.randrange(300, 1000)}"
		local = f"{rng.randrange(10**8):08d}"[-rng.choice((7, 8)) :]
		return f"0{area}{rng.choice(('-', ''))}{local}"

	assert "Fixed Line" in _fast_path_kinds(number() for _ in range(30_000))
