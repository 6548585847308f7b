"""CALL-02 benchmark: caller number → matched record, normalisation included, on the site's scale (build
1M customers / 2M phone numbers with `--keep` runs or crm_suite.demo.load.load_customers), against the
frappe/crm-style `REPLACE(...) LIKE '%digits%'` scan over the customer table measured in the same run.

Prints p50 and p99 per lookup (ms); `ratio` is how many times faster than the scan."""

import random
import time

from harness import emit_latency

LOOKUPS = 2000
SCANS = 7


def sample_numbers(frappe, n: int, seed: int = 7) -> list[str]:
	"""Numbers as customers typed them, from random stretches of the index, plus 20% unknown callers."""
	rng = random.Random(seed)
	total = frappe.db.sql("select count(*) from `tabPhone Number Index`")[0][0]
	numbers = []
	while len(numbers) < int(n * 0.8) and total:
		offset = rng.randrange(0, max(1, total - 200))
		numbers += [
			r[0]
			for r in frappe.db.sql(
				"select raw_number from `tabPhone Number Index` where raw_number is not null limit 200 offset %s",
				offset,
			)
		]
	numbers = numbers[: int(n * 0.8)]
	numbers += [f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}" for _ in range(n - len(numbers))]
	rng.shuffle(numbers)
	return numbers


def run(frappe, scale: int, repeats: int = 3, **_):
	from crm_suite.services.call_center import match_number

	customers = frappe.db.count("Customer Account")
	phones = frappe.db.sql("select count(*) from `tabPhone Number Index`")[0][0]
	numbers = sample_numbers(frappe, LOOKUPS)
	match_number(numbers[0])  # warm settings caches
	samples, hits = [], 0
	for raw in numbers:
		began = time.perf_counter()
		found = match_number(raw)
		samples.append(time.perf_counter() - began)
		hits += bool(found.rows)

	def like_scan(raw: str):
		digits = "".join(ch for ch in raw if ch.isdigit()).lstrip("0")
		return frappe.db.sql(
			"""select name from `tabCustomer Account`
			where replace(replace(replace(replace(ifnull(mobile_no, ''), ' ', ''), '-', ''), '(', ''), '+', '') like %(p)s
			or replace(replace(replace(replace(ifnull(phone, ''), ' ', ''), '-', ''), '(', ''), '+', '') like %(p)s
			limit 1""",
			{"p": f"%{digits}%"},
		)

	scans = []
	for raw in numbers[:SCANS]:
		began = time.perf_counter()
		like_scan(raw)
		scans.append(time.perf_counter() - began)

	for pct in (99, 50):
		emit_latency(
			f"callerid_lookup_p{pct}",
			samples,
			scans,
			customers,
			f"frappe/crm-style REPLACE LIKE '%digits%' scan (p{pct})",
			pct=pct,
			phone_numbers=phones,
			hit_rate=round(hits / len(samples), 3),
			baseline_n=len(scans),
		)
