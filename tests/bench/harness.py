"""Benchmark harness: runs inside a bench's Python against a real site, prints JSON lines
{"metric", "value", "unit", "baseline", "ratio", "scale", "n"} with medians over repeats and the
baseline measured in the same run."""

import json
import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager


def median_seconds(fn: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
	samples = []
	for _ in range(repeats):
		began = time.perf_counter()
		fn()
		samples.append(time.perf_counter() - began)
	return statistics.median(samples), samples


def percentile(samples: list[float], pct: float) -> float:
	ordered = sorted(samples)
	index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
	return ordered[index]


def emit(metric: str, value: float, unit: str, baseline: float | None, scale: int, n: int, **extra) -> dict:
	"""`ratio` is how many times better `value` is than `baseline` (higher is better for rates,
	so for durations pass lower_is_better=True)."""
	lower_is_better = extra.pop("lower_is_better", False)
	ratio = None
	if baseline:
		ratio = (baseline / value) if lower_is_better else (value / baseline)
	record = {
		"metric": metric,
		"value": round(value, 4),
		"unit": unit,
		"baseline": round(baseline, 4) if baseline is not None else None,
		"ratio": round(ratio, 2) if ratio is not None else None,
		"scale": scale,
		"n": n,
		**extra,
	}
	print(json.dumps(record, ensure_ascii=False), flush=True)
	return record


@contextmanager
def site(site_name: str, sites_path: str):
	import frappe

	frappe.init(site_name, sites_path=sites_path)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		yield frappe
	finally:
		frappe.destroy()
