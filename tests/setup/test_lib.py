"""The checks scripts/setup.sh relies on to rerun safely: a half-made bench is told from a usable one, and
a Redis is trusted by the config it was started from, not by its port answering."""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import BENCH, lib

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")


def start_redis(folder: Path, port: int) -> None:
	(folder / "config").mkdir(parents=True, exist_ok=True)
	conf = folder / "config" / "redis_cache.conf"
	conf.write_text(f'port {port}\nbind 127.0.0.1\nsave ""\nappendonly no\ndir {folder / "config"}\n')
	subprocess.run(["redis-server", str(conf), "--daemonize", "yes"], cwd=folder, check=True)
	for _ in range(50):
		if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0:
			return
		time.sleep(0.1)
	raise RuntimeError("redis did not start")


def free_port_now() -> int:
	import socket

	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def stop_redis(port: int | None) -> None:
	if port is None:
		return
	subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)


def test_a_half_made_bench_is_named_with_its_reason(tmp_path):
	bench = tmp_path / "frappe-bench"
	assert lib("bench_problem", {"FRAPPE_BENCH": str(bench)}).stdout.strip() == "there is no bench folder"
	# what a `bench init` that died while installing Frappe leaves behind
	(bench / "env" / "bin").mkdir(parents=True)
	(bench / "env" / "bin" / "python").symlink_to(shutil.which("python3"))
	(bench / "apps" / "frappe" / "frappe").mkdir(parents=True)
	(bench / "apps" / "frappe" / "frappe" / "__init__.py").write_text("")
	(bench / "sites").mkdir()
	(bench / "sites" / "common_site_config.json").write_text("{}")
	problem = lib("bench_problem", {"FRAPPE_BENCH": str(bench)}).stdout.strip()
	assert problem == "sites/apps.txt does not list frappe"
	(bench / "sites" / "apps.txt").write_text("frappe\n")
	for conf in ("redis_cache", "redis_queue"):
		(bench / "config").mkdir(exist_ok=True)
		(bench / "config" / f"{conf}.conf").write_text("port 1\n")
	(bench / "Procfile").write_text("")
	problem = lib("bench_problem", {"FRAPPE_BENCH": str(bench)}).stdout.strip()
	assert problem == "Frappe is not importable in its environment (env/)"
	assert lib("bench_found", {"FRAPPE_BENCH": str(bench)}, check=False).returncode == 1


@pytest.mark.skipif(not (BENCH / "env" / "bin" / "python").exists(), reason=f"no bench at {BENCH}")
def test_the_real_bench_is_usable():
	assert lib("bench_problem", {"FRAPPE_BENCH": str(BENCH)}).stdout.strip() == ""


def test_redis_is_owned_by_its_config_not_its_port(tmp_path, free_port):
	mine = tmp_path / "bench"
	start_redis(mine, free_port)
	try:
		conf = mine / "config" / "redis_cache.conf"
		owner = lambda want: lib(f"redis_owner {free_port} {want}").stdout.strip()  # noqa: E731
		assert owner(conf) == "ours"
		other = tmp_path / "other" / "config" / "redis_cache.conf"
		assert owner(other).startswith("other: pid ")
		# the folder it was started from is removed (a failed first set-up, then rm -rf): stale
		shutil.rmtree(mine)
		assert owner(conf) == "stale"
		# …even once a new bench writes its config at the same path again
		(mine / "config").mkdir(parents=True)
		conf.write_text(f"port {free_port}\n")
		assert owner(conf) == "stale"
	finally:
		stop_redis(free_port)


def test_ensure_bench_redis_replaces_a_stale_server_and_refuses_a_foreign_one(tmp_path, free_port):
	bench = tmp_path / "frappe-bench"
	queue_port = None
	start_redis(bench, free_port)
	conf = (bench / "config" / "redis_cache.conf").read_text()
	shutil.rmtree(bench)  # the failed try's folder is gone, its Redis still runs
	try:
		(bench / "config").mkdir(parents=True)
		(bench / "config" / "redis_cache.conf").write_text(conf)
		queue_port = free_port_now()
		(bench / "config" / "redis_queue.conf").write_text(
			conf.replace(f"port {free_port}", f"port {queue_port}")
		)
		out = lib("ensure_bench_redis", {"FRAPPE_BENCH": str(bench)})
		assert "Stopping a stale Redis" in out.stderr
		pid = lib(f"redis_info {free_port} process_id").stdout.strip()
		cwd = Path(f"/proc/{pid}/cwd").resolve()  # Redis works in its config's `dir`
		assert cwd == bench or bench in cwd.parents, cwd
		assert lib(f"redis_owner {free_port} {bench}/config/redis_cache.conf").stdout.strip() == "ours"
		# a Redis of another bench on this bench's port is not taken over
		other = tmp_path / "other-bench"
		other.mkdir()
		(other / "config").mkdir()
		(other / "config" / "redis_cache.conf").write_text(conf)
		(other / "config" / "redis_queue.conf").write_text(
			conf.replace(f"port {free_port}", f"port {queue_port}")
		)
		refused = lib("ensure_bench_redis", {"FRAPPE_BENCH": str(other)}, check=False)
		assert refused.returncode != 0
		assert f"port {free_port}" in refused.stderr and "taken by another Redis" in refused.stderr
	finally:
		stop_redis(free_port)
		stop_redis(queue_port)


def test_processes_of_a_removed_folder_are_found_and_stopped(tmp_path):
	folder = tmp_path / "half-made"
	folder.mkdir()
	proc = subprocess.Popen(["sleep", "300"], cwd=folder)
	try:
		shutil.rmtree(folder)
		pids = lib(f"pids_under {folder}").stdout.split()
		assert str(proc.pid) in pids
		lib(f"stop_pids {proc.pid}")
		assert proc.wait(timeout=5) is not None
	finally:
		proc.kill()


def run_test_sh(tmp_path, bench: Path, layers: str) -> subprocess.CompletedProcess:
	from conftest import REPO

	env = {k: v for k, v in os.environ.items() if not k.startswith(("FRAPPE_", "CRM_", "SITES_DIR"))}
	env.update(FRAPPE_BENCH=str(bench), CRM_TEST_OUTPUT=str(tmp_path / "out"))
	return subprocess.run(
		["bash", str(REPO / "scripts" / "test.sh"), "--layers", layers],
		env=env,
		capture_output=True,
		text=True,
		timeout=300,
	)


def test_test_sh_counts_a_half_made_bench_as_a_failure_and_still_closes(tmp_path):
	bench = tmp_path / "frappe-bench"
	(bench / "env" / "bin").mkdir(parents=True)
	run = run_test_sh(tmp_path, bench, "frappe")
	assert run.returncode == 1, run.stdout + run.stderr
	assert "is incomplete: it has no Python environment" in run.stdout
	assert run.stdout.strip().splitlines()[-1] == "0 passed, 1 failed, 0 skipped"


def test_test_sh_without_a_bench_says_what_it_skipped(tmp_path):
	run = run_test_sh(tmp_path, tmp_path / "no-bench", "frappe,e2e")
	assert run.returncode == 0, run.stdout + run.stderr
	assert "SKIPPED: frappe layers (frappe, e2e) (no bench at" in run.stdout
	# nothing ran: that is not a green run
	assert run.stdout.strip().splitlines()[-1] == "0 passed, 0 failed, 0 skipped"
