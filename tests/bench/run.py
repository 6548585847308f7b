"""Run benchmarks against a site: run with the bench's Python.

~/frappe-bench/env/bin/python tests/bench/run.py --site crm.localhost --scale 100000 [--only demo_insert]
"""

import argparse
import importlib
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import site


def main():
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--site", required=True)
	parser.add_argument("--bench", default=os.environ.get("FRAPPE_BENCH", str(Path.home() / "frappe-bench")))
	parser.add_argument("--scale", type=int, default=10000)
	parser.add_argument("--repeats", type=int, default=3)
	parser.add_argument("--only", action="append", help="benchmark module suffix, e.g. demo_insert")
	parser.add_argument("--keep", action="store_true", help="commit rows a benchmark generates (build scale)")
	args = parser.parse_args()
	names = sorted(p.stem for p in HERE.glob("bench_*.py"))
	if args.only:
		names = [n for n in names if n.removeprefix("bench_") in args.only]
	sites_path = str(Path(args.bench) / "sites")
	os.chdir(sites_path)
	for name in names:
		module = importlib.import_module(name)
		with site(args.site, sites_path) as frappe:
			module.run(frappe, scale=args.scale, repeats=args.repeats, keep=args.keep)


if __name__ == "__main__":
	main()
