"""Claims under contention (SPEC POOL-02, POOL-03, POOL-05): 50 claimer processes over REST against
one pool with small limits, with the recycle job running at the same time."""

import multiprocessing
import os
import random
import subprocess
import time
from collections import Counter

from conftest import SITE, WEB_URL, Client, bench, frappe_popen

USERS = 10
PROCESSES_PER_USER = 5  # 50 claimer processes; several per salesperson is the hard case for limits
MAX_OWNED = 3
MAX_PER_DAY = 2
CUSTOMERS = 40


def _claimer(args):
	token, names, start_at = args
	client = Client(WEB_URL, token=token)
	names = list(names)
	random.shuffle(names)
	time.sleep(max(0.0, start_at - time.time()))
	won, refused = [], Counter()
	for name in names[:12]:
		r = client.call("crm_suite.api.pool.claim", names=[name])
		if r.status_code == 200:
			won.append(name)
		else:
			refused[r.json().get("exc_type", str(r.status_code))] += 1
	return won, dict(refused)


def _setup(admin, suffix: str) -> tuple[str, list[dict], list[str]]:
	people = []
	for i in range(USERS):
		email = f"claimer{i}-{suffix}@crm-suite.test"
		admin.insert(
			"User",
			{
				"email": email,
				"first_name": f"C{i}",
				"send_welcome_email": 0,
				"roles": [{"role": "CRM Salesperson"}],
			},
		)
		secret = admin.call("frappe.core.doctype.user.user.generate_keys", user=email).json()["message"][
			"api_secret"
		]
		key = admin.resource("User", email).json()["data"]["api_key"]
		people.append({"user": email, "token": f"{key}:{secret}"})
	strategy = admin.insert(
		"Pool Strategy",
		{"strategy_name": f"并发策略{suffix}", "max_owned": MAX_OWNED, "max_claims_per_day": MAX_PER_DAY},
	)["name"]
	pool = admin.insert(
		"Customer Pool",
		{
			"pool_name": f"并发公海{suffix}",
			"strategy": strategy,
			"rules": [{"rule_type": "Not Contacted After Claim", "days": 7}],
			"members": [{"user": p["user"]} for p in people],
		},
	)["name"]
	names = [
		admin.insert(
			"Customer Account",
			{
				"customer_name": f"并发{suffix}客户{i}有限公司",
				"website": "https://c.cn",
				"customer_pool": pool,
			},
		)["name"]
		for i in range(CUSTOMERS)
	]
	return pool, people, names


def _overdue_owned(pool: str, owner: str, suffix: str, count: int) -> list[str]:
	"""Owned customers of the same pool made overdue directly in the database (dates are not writable)."""
	bench(
		"--site",
		SITE,
		"mariadb",
		"-e",
		f"insert into `tabCustomer Account` (name, customer_name, customer_pool, salesperson, lifecycle_state,"
		f" claimed_on, locked, creation, modified, owner, modified_by, docstatus, idx)"
		f" select concat('OVD-{suffix}-', seq), concat('逾期{suffix}-', seq), '{pool}', '{owner}', 'Following',"
		f" now() - interval 30 day, 0, now(), now(), 'Administrator', 'Administrator', 0, 0"
		f" from seq_1_to_{count}",
	)
	return [f"OVD-{suffix}-{i}" for i in range(1, count + 1)]


def test_fifty_concurrent_claimers_never_break_the_limits(stack, admin):
	suffix = str(int(time.time()))
	pool, people, names = _setup(admin, suffix)
	overdue = _overdue_owned(pool, people[0]["user"], suffix, 30)
	start_at = time.time() + 3
	jobs = [(p["token"], names, start_at) for p in people for _ in range(PROCESSES_PER_USER)]
	recycler = frappe_popen(
		["--site", SITE, "execute", "crm_suite.services.recycle.run.run_all"],
		stdout=subprocess.DEVNULL,
		stderr=subprocess.PIPE,
	)
	with multiprocessing.get_context("spawn").Pool(len(jobs)) as workers:
		results = workers.map(_claimer, jobs)
	assert recycler.wait(timeout=300) == 0, recycler.stderr.read().decode(errors="replace")[-6000:]

	wins = [name for won, _refused in results for name in won]
	refusals = Counter()
	for _won, refused in results:
		refusals.update(refused)
	assert wins, refusals
	assert len(wins) == len(set(wins)), "a customer was claimed twice"
	rows = admin.rows(
		"Customer Account", [["customer_pool", "=", pool]], ["name", "salesperson", "lifecycle_state"]
	)
	by_name = {r["name"]: r for r in rows}
	owners = Counter(r["salesperson"] for r in rows if r["salesperson"] and r["name"] in names)
	assert owners and max(owners.values()) <= min(MAX_OWNED, MAX_PER_DAY), owners
	for name in wins:
		assert by_name[name]["lifecycle_state"] == "Following"
	# owned and in the pool at once never happens, also for the rows the recycle job moved
	for row in rows:
		assert (row["salesperson"] is None) == (row["lifecycle_state"] == "Pool"), row
	assert all(by_name[n]["lifecycle_state"] == "Pool" or by_name[n]["salesperson"] for n in overdue)
	logs = admin.rows(
		"Customer Ownership Log",
		[["customer", "in", list(names) + overdue], ["action", "in", ["Claim", "Recycle"]]],
		["customer", "action", "to_salesperson"],
	)
	claims = Counter(log["customer"] for log in logs if log["action"] == "Claim")
	assert sorted(claims) == sorted(wins) and set(claims.values()) == {1}, "one log row per successful claim"
	recycled = Counter(log["customer"] for log in logs if log["action"] == "Recycle")
	assert set(recycled.values()) <= {1}
	assert all(by_name[n]["lifecycle_state"] == "Pool" for n in recycled)
