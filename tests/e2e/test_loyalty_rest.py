"""Loyalty points over REST under contention (SPEC SALE-08): 50 concurrent redemptions against one balance
never overdraw it; after 1,000 random concurrent accruals (confirmed orders), reversals (cancelled orders)
and redemptions (and their cancellations) every customer's balance row equals the sum of their ledger, each
order is accrued and reversed at most once; role guards: only managers and admins set rules in bulk, nobody
writes the ledger by hand, the margin report is the managers'."""

import json
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import WEB_URL, Client
from conftest import exc_type as _exc
from conftest import post_resource as _post

RULE_POINTS = 10  # per unit
GIFT_COST = 30


@pytest.fixture(scope="module")
def points(admin, team):
	suffix = str(int(time.time()))
	r = admin.http.put(
		f"{WEB_URL}/api/resource/CRM Suite Settings/CRM Suite Settings",
		json={"enable_loyalty_points": 1, "points_expiry_days": 0},
		timeout=60,
	)
	assert r.status_code == 200, r.text
	product = admin.insert(
		"Sales Product",
		{
			"product_name": f"积分产品{suffix}",
			"product_code": f"PTS-{suffix}",
			"unit": "个",
			"list_price": 10,
		},
	)["name"]
	admin.insert("Customer Points Rule", {"product": product, "basis": "Per Unit", "rate": RULE_POINTS})
	gift = admin.insert("Points Gift", {"gift_name": f"积分礼品{suffix}", "points_cost": GIFT_COST})["name"]
	a = Client(WEB_URL, token=team["a"]["token"])
	customers = [
		a.insert(
			"Customer Account", {"customer_name": f"积分{suffix}客户{i}有限公司", "website": "https://p.cn"}
		)["name"]
		for i in range(4)
	]
	return {"product": product, "gift": gift, "customers": customers, "a": a, "suffix": suffix}


def _order(client: Client, customer: str, product: str, qty: int):
	return _post(
		client,
		"Customer Order",
		{"customer": customer, "lines": [{"product": product, "qty": qty}], "docstatus": 1},
	)


def _balance(admin: Client, customer: str) -> int:
	r = admin.resource("Customer Points Balance", customer)
	return r.json()["data"]["points"] if r.status_code == 200 else 0


def _ledger(admin: Client, customer: str) -> list[dict]:
	return admin.rows(
		"Customer Points Entry",
		[["customer", "=", customer]],
		["points", "entry_type", "voucher_type", "voucher_no"],
	)


def test_fifty_concurrent_redemptions_never_overdraw(points, admin):
	a, customer = points["a"], points["customers"][0]
	r = _order(a, customer, points["product"], 50)  # 500 points
	assert r.status_code == 200, r.text
	assert r.json()["data"]["total_points"] == 500
	assert _balance(admin, customer) == 500
	drafts = [
		a.insert("Gift Redemption", {"customer": customer, "gift": points["gift"], "qty": 1})["name"]
		for _ in range(50)
	]
	barrier = threading.Barrier(len(drafts))

	def submit(name: str):
		client = Client(WEB_URL, token=points["a"].http.headers["Authorization"].split(" ", 1)[1])
		barrier.wait(timeout=60)
		return client.http.put(
			f"{WEB_URL}/api/resource/Gift Redemption/{name}", json={"docstatus": 1}, timeout=300
		)

	with ThreadPoolExecutor(len(drafts)) as pool:
		answers = list(pool.map(submit, drafts))
	assert all(r.status_code < 500 for r in answers), [r.text[:300] for r in answers if r.status_code >= 500]
	won = [r for r in answers if r.status_code == 200]
	refused = Counter(_exc(r) for r in answers if r.status_code != 200)
	assert len(won) == 500 // GIFT_COST, refused  # 16 redemptions of 30 points fit in 500
	assert set(refused) <= {"InsufficientPointsError"}, refused
	assert _balance(admin, customer) == 500 - 16 * GIFT_COST
	ledger = _ledger(admin, customer)
	assert sum(e["points"] for e in ledger) == _balance(admin, customer)
	assert Counter(e["entry_type"] for e in ledger) == {"Accrual": 1, "Redemption": 16}


def test_a_thousand_random_concurrent_postings_keep_ledger_and_balance_equal(points, admin):
	a, customers, product, gift = points["a"], points["customers"], points["product"], points["gift"]
	token = a.http.headers["Authorization"].split(" ", 1)[1]
	rng = random.Random(8)
	lock = threading.Lock()
	orders: list[tuple[str, str]] = []  # confirmed (name, customer), not yet cancelled
	redemptions: list[str] = []
	outcome: Counter = Counter()
	local = threading.local()

	def client() -> Client:
		if not hasattr(local, "client"):
			local.client = Client(WEB_URL, token=token)
		return local.client

	def pop(items: list):
		with lock:
			return items.pop(rng.randrange(len(items))) if items else None

	def one(op: str):
		c = client()
		customer = customers[rng.randrange(1, len(customers))]
		if op == "accrue":
			r = _order(c, customer, product, rng.randint(1, 9))
			if r.status_code == 200:
				with lock:
					orders.append((r.json()["data"]["name"], customer))
		elif op == "reverse":
			item = pop(orders)
			if not item:
				return "skipped"
			r = c.call("frappe.client.cancel", doctype="Customer Order", name=item[0])
		elif op == "redeem":
			r = _post(c, "Gift Redemption", {"customer": customer, "gift": gift, "qty": 1, "docstatus": 1})
			if r.status_code == 200:
				with lock:
					redemptions.append(r.json()["data"]["name"])
		else:
			name = pop(redemptions)
			if not name:
				return "skipped"
			r = c.call("frappe.client.cancel", doctype="Gift Redemption", name=name)
		assert r.status_code < 500, (op, r.status_code, r.text[:500])
		return f"{op}:{r.status_code}:{_exc(r) or ''}"

	ops = rng.choices(["accrue", "reverse", "redeem", "unredeem"], weights=[4, 2, 3, 1], k=1000)
	with ThreadPoolExecutor(12) as pool:
		for result in pool.map(one, ops):
			outcome[result] += 1
	assert outcome["accrue:200:"] > 100, outcome
	assert outcome["redeem:200:"] > 50, outcome
	assert outcome["reverse:200:"] > 50, outcome
	assert {k.split(":")[2] for k in outcome if not k.endswith(":200:") and k != "skipped"} <= {
		"InsufficientPointsError",
		"",
	}, outcome
	for customer in customers[1:]:
		ledger = _ledger(admin, customer)
		assert sum(e["points"] for e in ledger) == _balance(admin, customer), customer
		per_order = Counter(
			(e["voucher_no"], e["entry_type"]) for e in ledger if e["voucher_type"] == "Customer Order"
		)
		assert set(per_order.values()) <= {1}, "an order accrued or reversed twice"
		per_redemption = Counter(
			(e["voucher_no"], e["entry_type"]) for e in ledger if e["voucher_type"] == "Gift Redemption"
		)
		assert set(per_redemption.values()) <= {1}, "a redemption posted or reversed twice"


def test_role_guards_over_rest(points, admin, team):
	a, customer = points["a"], points["customers"][0]
	r = a.call("crm_suite.api.loyalty.set_rules_in_bulk", products=json.dumps([points["product"]]), rate=5)
	assert r.status_code == 403, r.text
	m = Client(WEB_URL, token=team["m"]["token"])
	r = m.call(
		"crm_suite.api.loyalty.set_rules_in_bulk", products=json.dumps([points["product"]]), unit="个", rate=5
	)
	assert r.status_code == 200 and r.json()["message"] == 1, r.text
	# nobody writes the ledger or the balance by hand, not even the Administrator
	order = admin.rows(
		"Customer Points Entry",
		[["customer", "=", customer], ["voucher_type", "=", "Customer Order"]],
		["voucher_no"],
	)[0]["voucher_no"]
	r = _post(
		a,
		"Customer Points Entry",
		{
			"customer": customer,
			"points": 10**6,
			"entry_type": "Accrual",
			"voucher_type": "Customer Order",
			"voucher_no": order,
		},
	)
	assert r.status_code == 403, r.text
	entry = admin.rows("Customer Points Entry", [["customer", "=", customer]], ["name"])[0]["name"]
	r = admin.http.put(
		f"{WEB_URL}/api/resource/Customer Points Entry/{entry}", json={"points": 10**6}, timeout=30
	)
	assert r.status_code == 403, r.text
	r = admin.http.delete(f"{WEB_URL}/api/resource/Customer Points Entry/{entry}", timeout=30)
	assert r.status_code in (403, 417), r.text
	r = admin.http.delete(f"{WEB_URL}/api/resource/Customer Points Balance/{customer}", timeout=30)
	assert r.status_code in (403, 417), r.text
	assert admin.resource("Customer Points Entry", entry).status_code == 200
	# the balance is read through the customer's scope
	b = Client(WEB_URL, token=team["b"]["token"])
	assert b.call("crm_suite.api.loyalty.points_balance", http="GET", customer=customer).status_code == 403
	r = a.call("crm_suite.api.loyalty.points_balance", http="GET", customer=customer)
	assert r.status_code == 200 and r.json()["message"]["points"] == _balance(admin, customer), r.text
	# the margin report reads product costs: managers and admins only
	r = a.call("frappe.desk.query_report.run", report_name="Customer Profit Margin", filters="{}")
	assert r.status_code == 403, r.text
	r = m.call("frappe.desk.query_report.run", report_name="Customer Profit Margin", filters="{}")
	assert r.status_code == 200, r.text
