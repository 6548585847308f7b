"""The daily recycle job as it really runs (SPEC POOL-05): committed batch by batch, shared with a job on the
stack's worker, and killed half-way then run again — the killed run's job stops with it, and the end state
must equal one clean run, with exactly one log row per recycled customer and nothing owned and pooled at
once."""

import os
import re
import signal
import subprocess
import time
from collections import Counter

from conftest import SITE, Client, bench, frappe_popen

POOLS = 3
DUE_PER_POOL = 120
FRESH_PER_POOL = 10
LOCKED_PER_POOL = 5


def _setup(admin, owners: list[str], suffix: str) -> dict:
	"""POOLS pools (one rule each, of different kinds), each with due, fresh and locked owned customers
	written directly to the database (claim and contact dates are not writable)."""
	rules = [  # each with the last contact that makes its rule apply
		({"rule_type": "Not Contacted After Claim", "days": 7}, "null"),
		({"rule_type": "No Follow Up", "days": 20}, "now() - interval 25 day"),
		({"rule_type": "No Deal", "days": 25}, "now() - interval 1 day"),
	]
	made = {"due": [], "kept": []}
	for p in range(POOLS):
		rule, contact = rules[p % len(rules)]
		pool = admin.insert("Customer Pool", {"pool_name": f"回收池{suffix}-{p}", "rules": [rule]})["name"]
		values = []
		for kind, count, claimed_days, locked in (
			("D", DUE_PER_POOL, 30, 0),
			("F", FRESH_PER_POOL, 1, 0),
			("L", LOCKED_PER_POOL, 30, 1),
		):
			for i in range(count):
				name = f"RCY-{suffix}-{p}{kind}{i:04d}"
				owner = owners[i % len(owners)]
				values.append(
					f"('{name}', '{name}', '{pool}', '{owner}', 'Following', now() - interval {claimed_days} day,"
					f" {contact if kind != 'F' else 'null'}, {locked}, now(), now(), 'Administrator', 'Administrator', 0, 0)"
				)
				made["due" if kind == "D" else "kept"].append(name)
		bench(
			"--site",
			SITE,
			"mariadb",
			"-e",
			"insert into `tabCustomer Account` (name, customer_name, customer_pool, salesperson,"
			" lifecycle_state, claimed_on, last_contact_on, locked, creation, modified, owner, modified_by, docstatus, idx)"
			f" values {', '.join(values)}",
		)
	return made


def _rows(names: list[str]) -> dict[str, tuple]:
	in_list = ", ".join(f"'{n}'" for n in names)
	out = bench(
		"--site",
		SITE,
		"mariadb",
		"-N",
		"-e",
		f"select c.name, coalesce(c.salesperson, ''), c.lifecycle_state,"
		f" (select count(*) from `tabCustomer Ownership Log` l where l.customer = c.name and l.action = 'Recycle')"
		f" from `tabCustomer Account` c where c.name in ({in_list})",
	).stdout
	rows = {}
	for line in out.strip().splitlines():
		name, owner, state, logs = line.split("\t")
		rows[name] = (owner or None, state, int(logs))
	return rows


def _recycle_process(batch_size: int, connections: int) -> subprocess.Popen:
	return frappe_popen(
		[
			"--site",
			SITE,
			"execute",
			"crm_suite.services.recycle.run.run_recycle",
			"--kwargs",
			f"{{'batch_size': {batch_size}, 'connections': {connections}}}",
		],
		stdout=subprocess.DEVNULL,
		stderr=subprocess.PIPE,
		start_new_session=True,
	)


def _assert_consistent(rows: dict[str, tuple]):
	for name, (owner, state, logs) in rows.items():
		assert (owner is None) == (state == "Pool"), (name, owner, state)
		assert logs == (1 if state == "Pool" else 0), (name, state, logs)


def test_killed_half_way_then_rerun_ends_like_one_clean_run(stack, admin, team):
	owners = [team["a"]["user"], team["b"]["user"]]
	made = _setup(admin, owners, str(int(time.time())))
	due, kept = made["due"], made["kept"]
	log_count = {
		"doctype": "Customer Ownership Log",
		"filters": {
			"customer": ["like", due[0].rsplit("-", 1)[0] + "-%"],
			"action": "Recycle",
		},
	}

	before = {n["name"] for n in _recycle_notes(admin, owners)}
	# one row per batch, the run and one job: slow enough to be killed in the middle
	job = _recycle_process(batch_size=1, connections=2)
	deadline, logged = time.time() + 120, 0
	while time.time() < deadline and job.poll() is None:
		logged = admin.call("frappe.client.get_count", **log_count).json()["message"]
		if logged >= 10:
			break
		time.sleep(0.05)
	assert job.poll() is None, (
		"the job finished before it could be killed: " + job.stderr.read().decode()[-3000:]
	)
	os.killpg(job.pid, signal.SIGKILL)
	job.wait(timeout=30)
	time.sleep(1)  # the server rolls the killed connections' open batches back

	half = _rows(due + kept)
	_assert_consistent(half)
	time.sleep(3)
	assert _rows(due + kept) == half, "a job of the killed run went on moving customers"
	moved = sum(1 for _o, state, _l in half.values() if state == "Pool")
	assert 10 <= moved < len(due), moved

	rerun = _recycle_process(batch_size=50, connections=2)
	assert rerun.wait(timeout=300) == 0, rerun.stderr.read().decode(errors="replace")[-6000:]

	final = _rows(due + kept)
	_assert_consistent(final)
	assert all(final[n][1] == "Pool" and final[n][2] == 1 for n in due)
	assert all(final[n][1] == "Following" and final[n][0] in owners for n in kept)
	# each former owner heard once, from the rerun, of every row moved: the killed run died before
	# announcing its batches, so the rerun included them
	notes = [n for n in _recycle_notes(admin, owners) if n["name"] not in before]
	assert Counter(n["for_user"] for n in notes) == dict.fromkeys(owners, 1), notes
	owned_due = Counter(owners[i % len(owners)] for _p in range(POOLS) for i in range(DUE_PER_POOL))
	for note in notes:
		assert re.findall(r"\d+", note["subject"]) == [str(owned_due[note["for_user"]])], note


def _recycle_notes(admin, owners: list[str]) -> list[dict]:
	notes = admin.rows(
		"Notification Log",
		[["for_user", "in", owners], ["document_type", "=", "Customer Account"]],
		["name", "for_user", "subject", "link"],
	)
	return [n for n in notes if "Recycle Preview" in (n["link"] or "")]


def test_recycle_now_runs_the_job_in_the_background_and_tells_the_admin(stack, admin, team):
	"""The Recycle Preview's button (POOL-05): an admin starts the daily run at once, e.g. after changing
	the rules; a salesperson may not."""
	owners = [team["a"]["user"]]
	made = _setup(admin, owners, f"now{int(time.time())}")
	seller = Client(stack["web_url"], team["a"]["token"])
	refused = seller.call("crm_suite.api.pool.recycle_now")
	assert refused.status_code == 403, refused.text
	assert _rows(made["due"])[made["due"][0]][1] == "Following", "nothing moved by the refused call"

	mine = [["for_user", "=", "Administrator"], ["document_type", "=", "Customer Account"]]
	before = {n["name"] for n in admin.rows("Notification Log", mine)}
	started = admin.call("crm_suite.api.pool.recycle_now")
	assert started.status_code == 200, started.text
	deadline, done = time.time() + 180, []
	while time.time() < deadline and not done:
		time.sleep(0.5)
		notes = admin.rows("Notification Log", mine, ["name", "subject"])
		done = [n for n in notes if n["name"] not in before]
	assert done, "no notification from the recycle job within 180 s"
	final = _rows(made["due"] + made["kept"])
	_assert_consistent(final)
	assert all(final[n][1] == "Pool" for n in made["due"])
	assert all(final[n][1] == "Following" for n in made["kept"])
	# the note tells the admin how many customers went back (the due ones, and any other site data due)
	counts = [int(c) for c in re.findall(r"\d+", done[0]["subject"])]
	assert counts and counts[0] >= len(made["due"]), done
