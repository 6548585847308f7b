# ruff: noqa: F811  (pytest fixtures imported from test_desk_first_login are parameters here)
"""The team's journeys in a real browser (issue 19; Playwright driving Debian's chromium), signed in through the
login page as the README's users on the demo site as set-up makes it, in Chinese:

- sales1 opens the customer list and the pool, claims a customer from the pool (the row leaves the list), opens
  it with its 360° connections, logs a follow-up, plans a visit, opens the opportunity board and asks to transfer
  the customer to sales2;
- the manager approves the transfer, reads the conversion funnel and exports it to Excel (opened with openpyxl).

Each page is timed from navigation to its first rows (the Desk's boot included), and the claim from the click to
the row leaving the list; the figures go to `journeys.json` in the test output (the journeys are their
benchmark: medians, p95, no assertion on time). Screenshots of each step go beside it."""

import io
import json
import statistics
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import LOG_DIR
from test_desk_first_login import PASSWORD, chromium, demo_web, shot, sign_in

SALES1, SALES2, MANAGER = "sales1@crm-suite.demo", "sales2@crm-suite.demo", "manager@crm-suite.demo"
LOADS = 3  # loads per page for the figures
TIMINGS: dict[str, list[float]] = {}
STATE: dict = {}


def timed(name: str, started: float) -> float:
	ms = round((time.perf_counter() - started) * 1000, 1)
	TIMINGS.setdefault(name, []).append(ms)
	return ms


def load(page, name: str, url: str, ready: str) -> None:
	"""A full page load (Desk boot included) until `ready` shows."""
	started = time.perf_counter()
	page.goto(url, wait_until="commit")
	page.locator(ready).first.wait_for(state="visible", timeout=60_000)
	timed(name, started)


LIST_READY = """(field) => window.cur_list && cur_list.data && cur_list.data.length > 0
	&& document.querySelectorAll('.list-row-container .list-row-checkbox').length > 0
	&& (!field || cur_list.filter_area.get().some((f) => f[1] === field))"""


def load_list(page, name: str, url: str, filtered_by: str | None = None) -> None:
	"""A list page loaded (Desk boot included) until its rows — under the URL's filter — are on screen."""
	started = time.perf_counter()
	page.goto(url, wait_until="commit")
	page.wait_for_function(LIST_READY, arg=filtered_by, timeout=60_000)
	timed(name, started)


def load_report(page, name: str, url: str, report: str) -> None:
	started = time.perf_counter()
	page.goto(url, wait_until="commit")
	page.wait_for_function(
		"""(r) => window.frappe && frappe.query_report && frappe.query_report.report_name === r
			&& frappe.query_report.data && frappe.query_report.data.length > 0
			&& document.querySelector('.dt-scrollable .dt-row')""",
		arg=report,
		timeout=60_000,
	)
	timed(name, started)


def rows(page) -> list[str]:
	return page.eval_on_selector_all(
		".list-row-container .list-row-checkbox", "els => els.map(e => e.dataset.name)"
	)


def translated(page, text: str) -> str:
	return page.evaluate("(t) => __(t)", text)


def frm_values(page, values: dict) -> None:
	page.evaluate(
		"async (v) => { for (const [k, x] of Object.entries(v)) await cur_frm.set_value(k, x); }", values
	)


def save_form(page) -> str:
	page.evaluate("() => cur_frm.save()")
	page.wait_for_function("() => cur_frm && !cur_frm.is_new() && !cur_frm.is_dirty()", timeout=60_000)
	return page.evaluate("() => cur_frm.doc.name")


@pytest.fixture(scope="module", autouse=True)
def figures():
	yield
	summary = {
		name: {
			"median_ms": statistics.median(values),
			"p95_ms": sorted(values)[max(0, round(0.95 * len(values)) - 1)],
			"n": len(values),
			"values_ms": values,
		}
		for name, values in TIMINGS.items()
	}
	LOG_DIR.mkdir(parents=True, exist_ok=True)
	(Path(LOG_DIR) / "journeys.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
	print("\njourneys:", json.dumps({k: (v["median_ms"], v["p95_ms"]) for k, v in summary.items()}))


@pytest.fixture(scope="module")
def sales1(demo_web, chromium):
	context, page = sign_in(chromium, SALES1, PASSWORD)
	yield page
	context.close()


def test_salesperson_lists_and_pool(demo_web, sales1):
	page = sales1
	for _ in range(LOADS):
		load_list(page, "customer list", f"{demo_web}/app/customer-account")
	shot(page, "journey-customer-list")
	for _ in range(LOADS):
		load_list(page, "pool", f"{demo_web}/app/customer-account?lifecycle_state=Pool", "lifecycle_state")
	assert rows(page), "the demo site's pool holds customers"


def test_salesperson_claims_from_the_pool(demo_web, sales1):
	page = sales1
	load_list(page, "pool", f"{demo_web}/app/customer-account?lifecycle_state=Pool", "lifecycle_state")
	name = rows(page)[0]
	page.locator(f'.list-row-checkbox[data-name="{name}"]').check()
	page.locator(".actions-btn-group > button").click()
	item = page.locator(
		".actions-btn-group .dropdown-menu .dropdown-item", has_text=translated(page, "Claim")
	)
	started = time.perf_counter()
	with page.expect_response(lambda r: "crm_suite.api.pool.claim" in r.url, timeout=30_000) as claimed:
		item.first.click()
	assert claimed.value.status == 200, claimed.value.text()[:300]
	try:
		page.locator(f'.list-row-checkbox[data-name="{name}"]').wait_for(state="detached", timeout=30_000)
	except Exception:
		shot(page, "journey-claim-row-stayed")
		raise
	timed("claim click to row gone", started)
	owner = page.evaluate(
		"async (n) => (await frappe.db.get_value('Customer Account', n, 'salesperson')).message.salesperson",
		name,
	)
	assert owner == SALES1
	STATE["customer"] = name
	shot(page, "journey-claimed")


def test_salesperson_works_the_customer(demo_web, sales1):
	page = sales1
	customer = STATE.get("customer")
	if not customer:
		pytest.skip("no customer was claimed")
	for _ in range(LOADS):
		load(
			page,
			"customer form with connections",
			f"{demo_web}/app/customer-account/{quote(customer)}",
			".form-dashboard .document-link",
		)
	shot(page, "journey-customer-form")
	# a follow-up
	page.goto(f"{demo_web}/app/follow-up-record/new", wait_until="domcontentloaded")
	page.wait_for_function("() => window.cur_frm && cur_frm.doctype === 'Follow Up Record'", timeout=60_000)
	frm_values(page, {"customer": customer, "method": "Phone", "content": "浏览器旅程：电话沟通，客户有意向"})
	follow_up = save_form(page)
	# a visit next week
	page.goto(f"{demo_web}/app/visit-plan/new", wait_until="domcontentloaded")
	page.wait_for_function("() => window.cur_frm && cur_frm.doctype === 'Visit Plan'", timeout=60_000)
	frm_values(
		page,
		{
			"subject": "浏览器旅程拜访",
			"customer": customer,
			"planned_date": str(date.today() + timedelta(days=7)),
			"start_time": "10:00:00",
		},
	)
	plan = save_form(page)
	shot(page, "journey-visit-plan")
	made = page.evaluate(
		"""async ([f, p]) => [
			(await frappe.db.get_value('Follow Up Record', f, 'customer')).message.customer,
			(await frappe.db.get_value('Visit Plan', p, 'salesperson')).message.salesperson]""",
		[follow_up, plan],
	)
	assert made == [customer, SALES1], made
	# the opportunity board
	for _ in range(LOADS):
		load(
			page,
			"opportunity kanban",
			f"{demo_web}/app/sales-opportunity/view/kanban/{quote('标准销售流程')}",
			".kanban-column",
		)


def test_salesperson_asks_to_transfer(demo_web, sales1):
	page = sales1
	customer = STATE.get("customer")
	if not customer:
		pytest.skip("no customer was claimed")
	page.goto(f"{demo_web}/app/customer-account/{quote(customer)}", wait_until="domcontentloaded")
	page.wait_for_function(
		"() => window.cur_frm && cur_frm.doc.name === " + json.dumps(customer), timeout=60_000
	)
	group = translated(page, "Pool")
	page.locator(
		f'.inner-group-button[data-label="{quote(group)}"] button, .inner-group-button button', has_text=group
	).first.click()
	page.locator(
		".inner-group-button .dropdown-menu .dropdown-item", has_text=translated(page, "Transfer")
	).first.click()
	dialog = page.locator(".modal.show")
	dialog.wait_for(state="visible", timeout=30_000)
	dialog.locator('textarea[data-fieldname="reason"]').fill("客户搬到华北二组的区域")
	target = dialog.locator('input[data-fieldname="to_salesperson"]')
	target.fill(SALES2)
	time.sleep(1)
	dialog.locator(".modal-title").click()  # leave the field as a person does (Escape would close the dialog)
	page.wait_for_function(
		"(u) => cur_dialog && cur_dialog.get_value('to_salesperson') === u", arg=SALES2, timeout=30_000
	)
	shot(page, "journey-transfer-dialog")
	dialog.locator(".btn-primary").first.click()
	STATE["request"] = wait_for_request(page, customer)


def wait_for_request(page, customer: str, seconds: float = 30) -> str:
	"""The transfer request the dialog made (polled: an async predicate would count as true at once)."""
	deadline = time.monotonic() + seconds
	while time.monotonic() < deadline:
		names = page.evaluate(
			"""async (c) => (await frappe.db.get_list('Customer Transfer Request',
				{filters: {customer: c}, fields: ['name'], order_by: 'creation desc', limit: 1})).map((r) => r.name)""",
			customer,
		)
		if names:
			return names[0]
		time.sleep(0.5)
	raise AssertionError(f"no transfer request for {customer} after {seconds}s")


@pytest.fixture(scope="module")
def manager(demo_web, chromium):
	context, page = sign_in(chromium, MANAGER, PASSWORD)
	yield page
	context.close()


def test_manager_approves_the_transfer(demo_web, manager):
	page = manager
	request = STATE.get("request")
	if not request:
		pytest.skip("no transfer was asked for")
	page.goto(f"{demo_web}/app/customer-transfer-request/{quote(request)}", wait_until="domcontentloaded")
	page.wait_for_function("() => window.cur_frm && cur_frm.doc.workflow_state === 'Pending'", timeout=60_000)
	page.locator(".actions-btn-group > button").first.click()
	page.locator(".actions-btn-group .dropdown-item", has_text=translated(page, "Approve")).first.click()
	page.wait_for_function("() => cur_frm.doc.workflow_state === 'Approved'", timeout=60_000)
	shot(page, "journey-transfer-approved")
	owner = page.evaluate(
		"async (n) => (await frappe.db.get_value('Customer Account', n, 'salesperson')).message.salesperson",
		STATE["customer"],
	)
	assert owner == SALES2


def test_manager_reads_the_funnel_and_exports_it(demo_web, manager):
	page = manager
	# the last twelve months: the demo's activity is spread over them
	since = date.today() - timedelta(days=365)
	url = f"{demo_web}/app/query-report/{quote('Conversion Funnel')}?from_date={since}"
	for _ in range(LOADS):
		load_report(page, "conversion funnel report", url, "Conversion Funnel")
	shot(page, "journey-funnel")
	with page.expect_download(timeout=60_000) as download:
		page.evaluate("() => frappe.query_report.export_report()")
		dialog = page.locator(".modal.show")
		dialog.wait_for(state="visible", timeout=30_000)
		dialog.locator(".btn-primary").first.click()
	content = Path(download.value.path()).read_bytes()
	from openpyxl import load_workbook

	sheet = load_workbook(io.BytesIO(content)).active
	rows = [row for row in sheet.iter_rows(values_only=True) if any(cell is not None for cell in row)]
	assert len(rows) > 1 and any(rows[0]), rows[:3]  # a header and the funnel's rows
