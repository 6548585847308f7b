"""The README's set-up command on a machine where it failed part-way the first time (issue 11).

A scratch bench beside the real one (so bench gives it ports of its own) is made by `scripts/setup.sh`
from the bench's Frappe copy (as a user with a mirror passes FRAPPE_REPO). The first run is killed while
`bench init` is installing Frappe, with a Redis left running from the half-made folder, as a network error
leaves it. The rerun must finish the job on its own: clear the half-made bench and its processes, make a
working one, a site set up for a Chinese team, and `bench` on the PATH of a new login shell. A third run
reuses what is there. Takes about five minutes; needs a bench (for its Frappe copy) and PyPI / npm.
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import BENCH, REPO, lib

SCRATCH = BENCH.parent / ".crm-setup-test-bench"
SITE = "setup-test.localhost"
FRAPPE_COPY = BENCH / "apps" / "frappe"
LOG_DIR = REPO / ".test-output"

pytestmark = pytest.mark.skipif(
	not (FRAPPE_COPY / ".git").exists(), reason=f"no bench with a Frappe copy at {BENCH} to set up from"
)


def setup_env() -> dict:
	branch = subprocess.run(
		["git", "-C", str(FRAPPE_COPY), "rev-parse", "--abbrev-ref", "HEAD"],
		capture_output=True,
		text=True,
		check=True,
	).stdout.strip()
	env = {
		k: v
		for k, v in os.environ.items()
		if not k.startswith(("FRAPPE_", "PYTHONPATH", "CRM_", "SITES_DIR"))
	}
	return {**env, "FRAPPE_BENCH": str(SCRATCH), "FRAPPE_REPO": str(FRAPPE_COPY), "FRAPPE_BRANCH": branch}


def run_setup(log_name: str) -> subprocess.Popen:
	LOG_DIR.mkdir(exist_ok=True)
	return subprocess.Popen(
		["bash", str(REPO / "scripts" / "setup.sh"), "--no-start", "--site", SITE, "--customers", "30"],
		cwd=REPO,
		env=setup_env(),
		stdin=subprocess.DEVNULL,
		stdout=open(LOG_DIR / f"setup-{log_name}.log", "w"),
		stderr=subprocess.STDOUT,
		start_new_session=True,
	)


def log_of(name: str) -> str:
	return (LOG_DIR / f"setup-{name}.log").read_text(errors="replace")


def scratch_frappe(*args: str) -> str:
	return subprocess.run(
		[str(SCRATCH / "env" / "bin" / "python"), "-m", "frappe.utils.bench_helper", "frappe", *args],
		cwd=SCRATCH / "sites",
		capture_output=True,
		text=True,
		check=True,
		timeout=300,
	).stdout


def clean_scratch():
	if SCRATCH.exists() and (SCRATCH / "sites" / SITE / "site_config.json").exists():
		lib(
			f"ensure_db_admin >/dev/null; SITES_DIR={SCRATCH}/sites frappe_cmd drop-site {SITE} --force --no-backup"
			' --db-root-username "$DB_ADMIN_USER" --db-root-password "$DB_ADMIN_PASSWORD" >/dev/null 2>&1 || true',
			{"FRAPPE_BENCH": str(SCRATCH)},
			check=False,
		)
	pids = lib(f"pids_under {SCRATCH}", check=False).stdout.split()
	if pids:
		lib(f"stop_pids {' '.join(pids)}", check=False)
	shutil.rmtree(SCRATCH, ignore_errors=True)
	for aside in SCRATCH.parent.glob(SCRATCH.name + ".incomplete-*"):
		shutil.rmtree(aside, ignore_errors=True)


@pytest.fixture(scope="module")
def scratch():
	clean_scratch()
	yield SCRATCH
	clean_scratch()


def test_a_first_run_killed_part_way_then_the_rerun_finishes(scratch):
	first = run_setup("interrupted")
	deadline = time.monotonic() + 600
	# kill it once bench init has made the environment and cloned Frappe, while it installs Frappe
	while time.monotonic() < deadline and first.poll() is None:
		if (scratch / "env" / "bin" / "python").exists() and (
			scratch / "apps" / "frappe" / "frappe"
		).exists():
			break
		time.sleep(0.2)
	assert first.poll() is None, (
		"set-up ended before it could be interrupted:\n" + log_of("interrupted")[-3000:]
	)
	os.killpg(first.pid, signal.SIGKILL)
	first.wait(timeout=30)
	problem = lib("bench_problem", {"FRAPPE_BENCH": str(scratch)}).stdout.strip()
	assert problem, "a half-made bench must not pass for a usable one"
	# the failed try left a server running from the half-made folder
	leftover = subprocess.Popen(
		["redis-server", "--port", "0", "--unixsocket", str(scratch / "leftover.sock")],
		cwd=scratch,
		stdout=subprocess.DEVNULL,
		start_new_session=True,
	)

	began = time.monotonic()
	rerun = run_setup("rerun")
	assert rerun.wait(timeout=1800) == 0, log_of("rerun")[-4000:]
	rerun_seconds = time.monotonic() - began
	out = log_of("rerun")
	assert f"The bench at {scratch} is incomplete" in out
	assert "making it anew" in out
	assert leftover.wait(timeout=5) is not None, "the half-made bench's process was left running"
	assert lib("bench_problem", {"FRAPPE_BENCH": str(scratch)}).stdout.strip() == ""
	print(f"rerun after an interrupted first try: {rerun_seconds:.0f} s")

	# the site is set up for a Chinese team, as the Desk needs it
	settings = scratch_frappe(
		"--site",
		SITE,
		"execute",
		"frappe.db.get_value",
		"--args",
		"['System Settings', 'System Settings', ['setup_complete', 'language', 'country', 'time_zone', 'currency']]",
	)
	assert all(v in settings for v in ("1", "zh", "China", "Asia/Shanghai", "CNY")), settings
	users = scratch_frappe("--site", SITE, "execute", "frappe.db.count", "--args", "['Customer Account']")
	assert users.strip() == "30"


def test_bench_is_on_the_path_of_a_new_login_shell(scratch):
	# a new login shell with the machine's default PATH, not this process's
	shell = subprocess.run(
		["env", "-i", f"HOME={Path.home()}", "bash", "-lc", "command -v bench && bench --version"],
		capture_output=True,
		text=True,
		timeout=120,
	)
	assert shell.returncode == 0, shell.stdout + shell.stderr
	# and the README's bench commands work from the bench folder, as written
	in_bench = subprocess.run(
		["env", "-i", f"HOME={Path.home()}", "bash", "-lc", f"cd {scratch} && bench --site {SITE} list-apps"],
		capture_output=True,
		text=True,
		timeout=300,
	)
	assert in_bench.returncode == 0 and "crm_suite" in in_bench.stdout, in_bench.stdout + in_bench.stderr


def test_a_third_run_reuses_the_bench(scratch):
	again = run_setup("again")
	assert again.wait(timeout=1200) == 0, log_of("again")[-4000:]
	out = log_of("again")
	assert f"Reusing the bench at {scratch}" in out
	assert "is incomplete" not in out
