"""Entry strategy under concurrency (SPEC CUS-04, POOL-10): with the ban on, two simultaneous inserts of
the same normalised company name over REST — exactly one wins, the other is told who holds it."""

import threading
import time

from conftest import WEB_URL, Client


def _set_policy(admin: Client, policy: str):
	r = admin.http.put(
		f"{WEB_URL}/api/resource/CRM Suite Settings/CRM Suite Settings",
		json={"duplicate_name_policy": policy},
		timeout=30,
	)
	assert r.status_code == 200, r.text
	stored = admin.resource("CRM Suite Settings", "CRM Suite Settings").json()["data"][
		"duplicate_name_policy"
	]
	assert stored == policy, stored


def test_concurrent_inserts_of_one_company_exactly_one_wins(stack, admin, team):
	_set_policy(admin, "Ban")
	run = str(int(time.time()))
	try:
		for round_no in range(5):
			key = f"并发{run}{round_no}测试贸易"
			names = [f"{key}有限公司", f"{key}（集团）股份有限公司"]
			barrier = threading.Barrier(2)
			results: list = [None, None]

			def insert(i: int):
				client = Client(WEB_URL, token=team["ab"[i]]["token"])
				barrier.wait()
				results[i] = client.http.post(
					f"{WEB_URL}/api/resource/Customer Account",
					json={"customer_name": names[i], "website": "https://race.cn"},
					timeout=60,
				)

			threads = [threading.Thread(target=insert, args=(i,)) for i in range(2)]
			for t in threads:
				t.start()
			for t in threads:
				t.join()
			codes = sorted(r.status_code for r in results)
			assert codes[0] == 200 and codes[1] >= 400, [
				(r.status_code, r.json().get("exc_type"), (r.json().get("data") or {}).get("name_key_unique"))
				for r in results
			]
			loser = next(r for r in results if r.status_code != 200)
			assert "DuplicateCustomerName" in loser.text, loser.text[:500]
			listed = admin.resource(
				"Customer Account",
				filters=f'[["name_key", "=", "{key}"]]',
				limit_page_length=0,
			).json()["data"]
			assert len(listed) == 1
	finally:
		_set_policy(admin, "Warn")
