"""Benchmark harness: runs inside a bench's Python against a real site, prints JSON lines
{"metric", "value", "unit", "baseline", "ratio", "scale", "n"} with medians over repeats and the
baseline measured in the same run."""

import json
import os
import statistics
import subprocess
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


def emit_latency(
	metric: str,
	samples: list[float],
	baseline: list[float],
	scale: int,
	baseline_name: str,
	pct: float = 95,
	**extra,
) -> dict:
	"""A latency figure: the `pct` percentile of `samples` (seconds) in ms against the same percentile of the
	same-run `baseline`, with the median beside it."""
	return emit(
		metric,
		percentile(samples, pct) * 1000,
		"ms",
		percentile(baseline, pct) * 1000,
		scale=scale,
		n=len(samples),
		p50_ms=round(percentile(samples, 50) * 1000, 3),
		baseline_name=baseline_name,
		lower_is_better=True,
		**extra,
	)


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


def wait_for_quiet_database(timeout: float = 180.0, fallback: float = 20.0) -> float:
	"""Wait until the database server is idle again (InnoDB purges what the previous step wrote in the
	background, using the CPU the next measurement would use). Watches a local mariadbd/mysqld's CPU time
	through /proc; without one, waits `fallback` seconds. Returns the seconds waited."""
	began = time.perf_counter()
	pids = []
	for name in ("mariadbd", "mysqld"):
		result = subprocess.run(["pidof", name], capture_output=True, text=True, check=False)
		pids += result.stdout.split()
	if not pids:
		time.sleep(fallback)
		return time.perf_counter() - began

	def cpu_seconds() -> float:
		with open(f"/proc/{pids[0]}/stat") as fh:
			fields = fh.read().rsplit(")", 1)[1].split()
		return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

	quiet = 0
	last = cpu_seconds()
	while time.perf_counter() - began < timeout and quiet < 3:
		time.sleep(1)
		now = cpu_seconds()
		quiet = quiet + 1 if now - last < 0.1 else 0
		last = now
	return time.perf_counter() - began


@contextmanager
def long_workers(count: int, timeout: float = 60.0):
	"""`count` extra RQ workers on the bench's long queue for the block (production runs several; a bench
	started with `bench start` has one for every queue). Run from the bench's sites folder."""
	import sys

	from frappe.utils.background_jobs import get_redis_conn
	from rq import Worker

	def listening() -> int:
		return sum(1 for w in Worker.all(connection=get_redis_conn()) if "long" in " ".join(w.queue_names()))

	before = listening()
	workers = [
		subprocess.Popen(
			[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "worker", "--queue", "long"],
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
		)
		for _ in range(max(0, count))
	]
	try:
		began = time.perf_counter()
		while workers and listening() < before + len(workers) and time.perf_counter() - began < timeout:
			time.sleep(0.5)
		yield len(workers)
	finally:
		for worker in workers:
			worker.terminate()
		for worker in workers:
			worker.wait(timeout=30)
