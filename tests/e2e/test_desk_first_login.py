"""A new user's first minutes, in a real browser (Playwright driving Debian's chromium).

The site is made by scripts/lib.sh's make_demo_site — the same function scripts/setup.sh makes the demo
site with — and nothing prepares it further: no flag set, no wizard skipped, no internals called. Each of
the README's logins signs in through the login page as a person does, and the Desk must open set up for a
Chinese team: salespeople on their My Day workspace (their reminder counts, FUP-04), the manager on the
Customers workspace, each with their customers listed, in Chinese, never on the setup wizard or a "not
permitted" page (ORG-01, CUS-01, ORG-03).
"""

import os
import re
import signal
from pathlib import Path

import pytest
from conftest import DEMO_SITE, LOG_DIR, WEB_PORT, _start, _wait_http, find_browser, web_process

DEMO_PORT = WEB_PORT + 1
DEMO_URL = f"http://127.0.0.1:{DEMO_PORT}"
PASSWORD = "Demo@2026"
# The README's table of logins.
SALES = ["sales1@crm-suite.demo", "sales2@crm-suite.demo", "manager@crm-suite.demo"]
# where each opens the Desk: salespeople start the day from My Day (issue 16), the manager from Customers
LANDING = {"sales1@crm-suite.demo": "my-day", "sales2@crm-suite.demo": "my-day"}
OTHERS = [("admin@crm-suite.demo", PASSWORD), ("Administrator", "admin")]
NOT_PERMITTED = re.compile(r"不允许|Not permitted|Not Permitted")


@pytest.fixture(scope="module")
def demo_web():
	if not DEMO_SITE:
		pytest.skip("no demo site was made for this run (scripts/test.sh makes one with make_demo_site)")
	proc = _start("web-demo", web_process(DEMO_SITE, DEMO_PORT), {"DEV_SERVER": "1"})
	try:
		_wait_http(f"{DEMO_URL}/api/method/ping")
		yield DEMO_URL
	finally:
		os.killpg(proc.pid, signal.SIGTERM)
		proc.wait(timeout=20)


@pytest.fixture(scope="module")
def chromium():
	path = find_browser()
	if not path:
		pytest.skip("no Chromium found (install Debian's chromium or set CRM_CHROMIUM)")
	sync_api = pytest.importorskip("playwright.sync_api")
	with sync_api.sync_playwright() as p:
		browser = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-dev-shm-usage"])
		yield browser
		browser.close()


def sign_in(chromium, user: str, password: str, locale: str = "zh-CN", width: int = 1366, height: int = 900):
	"""The login page as a person uses it; returns the page once the Desk has rendered its first view. The browser
	names the site to the socketio server (as Frappe's own clients do), which cannot tell it from 127.0.0.1."""
	context = chromium.new_context(
		locale=locale,
		viewport={"width": width, "height": height},
		extra_http_headers={"X-Frappe-Site-Name": DEMO_SITE or ""},
	)
	page = context.new_page()
	page.goto(f"{DEMO_URL}/login", wait_until="domcontentloaded")
	page.fill("#login_email", user)
	page.fill("#login_password", password)
	page.click(".btn-login")
	page.wait_for_url(re.compile(r"/app(/|$)"), timeout=60_000)
	page.wait_for_function(
		"() => window.frappe && frappe.boot && frappe.container && frappe.container.page", timeout=60_000
	)
	page.wait_for_load_state("networkidle", timeout=60_000)
	return context, page


def shot(page, name: str):
	LOG_DIR.mkdir(parents=True, exist_ok=True)
	page.screenshot(path=str(Path(LOG_DIR) / f"desk-{name}.png"), full_page=False)


@pytest.mark.parametrize("user", SALES)
def test_sales_staff_land_on_their_workspace_in_chinese(demo_web, chromium, user):
	context, page = sign_in(chromium, user, PASSWORD)
	landing = LANDING.get(user, "customers")
	try:
		if landing == "my-day":
			page.wait_for_selector(".number-widget-box", timeout=60_000)
			shot(page, user.split("@")[0] + "-my-day")
		assert page.evaluate("frappe.boot.lang") == "zh"
		assert page.evaluate("frappe.boot.sysdefaults.time_zone") == "Asia/Shanghai"
		assert page.evaluate("frappe.boot.sysdefaults.country") == "China"
		assert page.evaluate("frappe.boot.sysdefaults.currency") == "CNY"
		assert "setup-wizard" not in page.url
		assert page.url.rstrip("/").endswith(f"/app/{landing}"), page.url
		if landing == "my-day":
			body = page.inner_text("body")
			assert not NOT_PERMITTED.search(body), body[:500]
			assert "我的一天" in body and "逾期回款" in body  # the reminder counts, in Chinese
			page.goto(f"{DEMO_URL}/app/customers", wait_until="domcontentloaded")
		page.wait_for_selector(".quick-list-item .title", timeout=60_000)
		shot(page, user.split("@")[0])
		body = page.inner_text("body")
		assert not NOT_PERMITTED.search(body), body[:500]
		# the workspace reads in Chinese: the quick list's label and the sidebar entry
		assert "我的客户" in body
		assert "客户" in page.inner_text(".desk-sidebar, .body-sidebar")
		# 我的客户 lists owned customers within the user's scope (ORG-03): a salesperson's own, a manager's team's
		names = [n.strip() for n in page.locator(".quick-list-item .title").all_inner_texts()]
		assert names, "the 我的客户 quick list is empty"
		owners = page.evaluate(
			"""async (names) => (await frappe.db.get_list('Customer Account',
				{filters: {customer_name: ['in', names]}, fields: ['customer_name', 'salesperson'], limit: 100}))""",
			names,
		)
		assert {r["customer_name"] for r in owners} == set(names)
		allowed = {user} if user.startswith("sales") else {user, *SALES}
		assert {r["salesperson"] for r in owners} <= allowed, owners
	finally:
		context.close()


@pytest.mark.parametrize(("user", "password"), OTHERS)
def test_admins_reach_the_desk_not_the_wizard(demo_web, chromium, user, password):
	context, page = sign_in(chromium, user, password)
	try:
		shot(page, user.split("@")[0].lower())
		assert "setup-wizard" not in page.url, page.url
		assert page.evaluate("frappe.boot.setup_complete") in (1, "1", True)
		body = page.inner_text("body")
		assert not NOT_PERMITTED.search(body), body[:500]
		assert page.evaluate("frappe.boot.lang") == "zh"
		# the company the wizard was told about is the suite's company
		company = page.evaluate(
			"async () => (await frappe.db.get_single_value('CRM Suite Settings', 'company_name'))"
		)
		assert company == "华联演示科技有限公司"
	finally:
		context.close()
