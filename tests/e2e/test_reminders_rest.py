"""Reminders (SPEC FUP-04) over REST on the test site: a salesperson's pending mark becomes a reminder when the
scheduler's job runs (run here with `bench execute`, committed), one digest in the bell however often it runs,
scope (own; a manager's subtree; a colleague nothing), snooze and done by the reminded user only, 4xx on bad
input, never 500."""

import json
from datetime import date, timedelta

import pytest
from conftest import SITE, WEB_URL, Client, bench

REMINDER = "Follow Up Reminder"
KINDS = (
	"next_contact",
	"overdue_plan",
	"pending_marks",
	"shelved_review",
	"recycle_soon",
	"birthday",
	"overdue_payment",
)


def run_engine() -> dict:
	out = bench("--site", SITE, "execute", "crm_suite.tasks.run_reminders").stdout
	return out


@pytest.fixture(scope="module")
def clients(stack, team) -> dict:
	return {key: Client(stack["web_url"], token=team[key]["token"]) for key in ("a", "b", "m")}


@pytest.fixture(scope="module")
def reminded(clients, team) -> dict:
	a = clients["a"]
	user = team["a"]["user"]
	# any hour is the digest hour, so the run delivers whenever the test runs; every kind on (a preference made
	# earlier in the run, e.g. by the permission matrix, may hold other values)
	preference = {"user": user, "digest_hour": 0, "channel": "In App", "enabled": 1, "key_only": 0}
	preference.update({f"remind_{kind}": 1 for kind in KINDS})
	r = a.http.post(f"{WEB_URL}/api/resource/Reminder Preference", json=preference, timeout=30)
	if r.status_code == 409:  # made earlier in the run (e.g. by the permission matrix): set it instead
		r = a.http.put(f"{WEB_URL}/api/resource/Reminder Preference/{user}", json=preference, timeout=30)
	assert r.status_code == 200, r.text
	customer = a.insert(
		"Customer Account",
		{
			"customer_name": f"提醒测试{date.today():%m%d}{user[:8]}有限公司",
			"website": "https://e2e.example.cn",
		},
	)
	r = a.http.put(
		f"{a.base}/api/resource/Customer Account/{customer['name']}",
		json={"pending_mark": "To Check"},
		timeout=30,
	)
	assert r.status_code == 200, r.text
	assert r.json()["data"]["pending_since"], r.text
	run_engine()
	rows = a.rows(REMINDER, [["reference_name", "=", customer["name"]]], ["name", "kind", "status", "user"])
	assert [(row["kind"], row["status"], row["user"]) for row in rows] == [("To Check", "Open", user)]
	return {"customer": customer["name"], "reminder": rows[0]["name"], "user": user}


def bell(client: Client) -> list[dict]:
	r = client.call("frappe.desk.doctype.notification_log.notification_log.get_notification_logs", limit=50)
	assert r.status_code == 200, r.text
	return [n for n in r.json()["message"]["notification_logs"] if n.get("document_type") == REMINDER]


def test_digest_in_the_bell_once_however_often_the_job_runs(clients, reminded):
	a = clients["a"]
	notes = bell(a)
	assert len(notes) == 1, notes
	assert notes[0]["link"] == "/app/my-day" and notes[0]["read"] == 0
	run_engine()
	assert len(bell(a)) == 1
	assert len(a.rows(REMINDER, [["reference_name", "=", reminded["customer"]]])) == 1
	# the list a user's own notification logs come from holds nobody else's digest
	r = clients["b"].call(
		"frappe.client.get_list",
		http="GET",
		doctype="Notification Log",
		filters=json.dumps({"for_user": reminded["user"]}),
	)
	assert r.status_code == 200 and r.json()["message"] == [], r.text


def test_scope_own_manager_subtree_colleague_nothing(clients, reminded):
	name = reminded["reminder"]
	assert clients["a"].resource(REMINDER, name).status_code == 200
	assert clients["m"].resource(REMINDER, name).status_code == 200
	assert clients["b"].resource(REMINDER, name).status_code == 403
	assert name not in [row["name"] for row in clients["b"].rows(REMINDER, [])]


def test_snooze_and_done_by_the_reminded_user_only(clients, reminded):
	name = reminded["reminder"]
	a, b, m = clients["a"], clients["b"], clients["m"]
	tomorrow = (date.today() + timedelta(days=2)).isoformat()
	for other in (b, m):
		r = other.call("crm_suite.api.reminders.snooze", name=name, until=tomorrow)
		assert r.status_code == 403, r.text
		r = other.call("crm_suite.api.reminders.mark_done", name=name)
		assert r.status_code == 403, r.text
	for bad in ("not a date", "2000-01-01"):
		r = a.call("crm_suite.api.reminders.snooze", name=name, until=bad)
		assert 400 <= r.status_code < 500 and r.status_code not in (401, 403), r.text
	r = a.call("crm_suite.api.reminders.snooze", name=name, until=tomorrow)
	assert r.status_code == 200 and r.json()["message"]["status"] == "Snoozed", r.text
	open_rows = a.rows(REMINDER, [["status", "=", "Open"], ["name", "=", name]])
	assert open_rows == []  # My Day's counts leave it out until then
	r = a.call("crm_suite.api.reminders.mark_done", name=name)
	assert r.status_code == 200 and r.json()["message"]["status"] == "Done", r.text
	r = a.call("crm_suite.api.reminders.snooze", name=name, until=tomorrow)
	assert r.status_code == 417, r.text
	r = a.call("crm_suite.api.reminders.mark_done", name="无此提醒")
	assert r.status_code == 404, r.text


def test_preferences_are_each_users_own(clients, team, reminded):
	r = clients["b"].http.put(
		f"{clients['b'].base}/api/resource/Reminder Preference/{reminded['user']}",
		json={"enabled": 0},
		timeout=30,
	)
	assert r.status_code == 403, r.text
	r = clients["b"].http.post(
		f"{clients['b'].base}/api/resource/Reminder Preference",
		json={"user": team["a"]["user"], "enabled": 0},
		timeout=30,
	)
	assert r.status_code in (403, 409, 417), r.text
	r = clients["b"].http.post(
		f"{clients['b'].base}/api/resource/Reminder Preference",
		json={"user": team["b"]["user"], "digest_hour": 30},
		timeout=30,
	)
	assert r.status_code == 417, r.text
