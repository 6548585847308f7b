"""Customer import end to end (SPEC CUS-07, ORG-03): the template downloaded over REST, filled, uploaded,
the batch started over REST and run by the real background worker (long queue), then its counts, its
error report and the imported customers' row scope read back as the users would."""

import io
import random
import time

from conftest import WEB_URL, Client
from openpyxl import load_workbook


def _mobile(rng: random.Random) -> str:
	return rng.choice(("192", "196", "145")) + f"{rng.randrange(10**8):08d}"


def _filled_template(admin: Client, rows: list[dict]) -> bytes:
	r = admin.http.get(f"{WEB_URL}/api/method/crm_suite.api.customers.download_import_template", timeout=60)
	assert r.status_code == 200, r.text[:300]
	wb = load_workbook(io.BytesIO(r.content))
	ws = wb.worksheets[0]
	fieldnames = [c.value for c in ws[2]]
	assert "customer_name" in fieldnames and "mobile_no" in fieldnames, fieldnames
	for row in rows:
		ws.append([row.get(f) for f in fieldnames])
	buffer = io.BytesIO()
	wb.save(buffer)
	return buffer.getvalue()


def _run_import(admin: Client, file_url: str, salesperson: str, seconds: float = 180) -> dict:
	"""Start an import of an uploaded file over REST ("Import valid rows") and wait for the worker to end it."""
	r = admin.call(
		"crm_suite.api.customers.import_customers",
		import_file=file_url,
		import_mode="Import valid rows",
		salesperson=salesperson,
	)
	assert r.status_code == 200, r.text[:500]
	batch_name = r.json()["message"]
	deadline, batch = time.monotonic() + seconds, {}
	while time.monotonic() < deadline:
		batch = admin.resource("Customer Import Batch", batch_name).json()["data"]
		if batch["status"] not in ("Pending", "Queued", "Running"):
			break
		time.sleep(1)
	return batch


def _upload(admin: Client, name: str, content: bytes) -> str:
	r = admin.http.post(
		f"{WEB_URL}/api/method/upload_file",
		files={"file": (name, content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
		data={"is_private": "1"},
		timeout=60,
	)
	assert r.status_code == 200, r.text[:300]
	return r.json()["message"]["file_url"]


def test_import_runs_on_the_worker_and_lands_in_the_owners_scope(stack, admin, team):
	rng = random.Random()
	run = str(int(time.time()))
	good = [
		{"customer_name": f"导入E2E{run}{i}贸易有限公司", "website": "https://e2e.cn", "mobile_no": _mobile(rng)}
		for i in range(5)
	]
	bad = {"customer_name": f"导入E2E{run}坏号码有限公司", "website": "https://e2e.cn", "mobile_no": "1381234567"}
	file_url = _upload(admin, f"e2e-import-{run}.xlsx", _filled_template(admin, [*good[:3], bad, *good[3:]]))

	batch = _run_import(admin, file_url, team["a"]["user"])
	assert batch["status"] == "Partially Completed", batch
	assert (batch["total_rows"], batch["imported_rows"], batch["failed_rows"]) == (6, 5, 1), batch
	assert batch["error_report"], batch
	report = admin.http.get(f"{WEB_URL}{batch['error_report']}", timeout=30)
	assert report.status_code == 200
	lines = list(load_workbook(io.BytesIO(report.content)).worksheets[0].iter_rows(min_row=2, values_only=True))
	assert [(line[0], line[2]) for line in lines] == [(6, "1381234567")], lines  # sheet row 6: the bad phone

	names = [row["customer_name"] for row in good]
	filters = f'[["customer_name", "in", {names!r}]]'.replace("'", '"')
	owner = Client(WEB_URL, token=team["a"]["token"])
	mine = owner.resource("Customer Account", filters=filters, fields='["name", "lifecycle_state", "salesperson"]', limit_page_length=0)
	assert mine.status_code == 200, mine.text[:300]
	rows = mine.json()["data"]
	assert len(rows) == 5 and {(r["lifecycle_state"], r["salesperson"]) for r in rows} == {("Pending", team["a"]["user"])}
	other = Client(WEB_URL, token=team["b"]["token"])
	assert other.resource("Customer Account", filters=filters, limit_page_length=0).json()["data"] == []
