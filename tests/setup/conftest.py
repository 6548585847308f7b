"""scripts/setup.sh and scripts/lib.sh as a user meets them: real bash, real Redis, a real bench."""

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH = Path(os.environ.get("FRAPPE_BENCH", Path.home() / "frappe-bench"))


def lib(script: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
	"""Runs bash with scripts/lib.sh sourced; FRAPPE_BENCH and friends come from env."""
	return subprocess.run(
		["bash", "-c", f"source {REPO / 'scripts' / 'lib.sh'}\n{script}"],
		env={**os.environ, **(env or {})},
		capture_output=True,
		text=True,
		check=check,
		timeout=120,
	)


@pytest.fixture
def free_port():
	import socket

	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]
