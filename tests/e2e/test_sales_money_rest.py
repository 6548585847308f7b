"""Contracts, payments received and refunds over REST (SPEC SALE-05, SALE-06, ORG-03) as the team uses them:
a salesperson records payments against their confirmed order, may neither approve a contract nor cancel a
payment (a manager may), another team's salesperson sees none of it; concurrent payments against one order,
each from its own HTTP request, never collect more than the order's total; bad input is answered 4xx."""

import threading
import time

import pytest
from conftest import WEB_URL, Client
from conftest import exc_type as _exc
from conftest import post_resource as _post


@pytest.fixture(scope="module")
def shop(admin, team):
	suffix = str(int(time.time()))
	product = admin.insert(
		"Sales Product",
		{"product_name": f"回款测试服务{suffix}", "unit": "台", "list_price": 1000, "default_tax_rate": 0},
	)["name"]
	a = Client(WEB_URL, token=team["a"]["token"])
	customer = a.insert(
		"Customer Account", {"customer_name": f"回款测试{suffix}有限公司", "website": "https://p.cn"}
	)
	return {"product": product, "customer": customer["name"], "a": a}


def _order(shop, qty: int = 1) -> str:
	r = _post(
		shop["a"],
		"Customer Order",
		{"customer": shop["customer"], "lines": [{"product": shop["product"], "qty": qty}], "docstatus": 1},
	)
	assert r.status_code == 200, r.text
	return r.json()["data"]["name"]


def test_payments_refunds_and_roles_over_rest(shop, team):
	a = shop["a"]
	b = Client(WEB_URL, token=team["b"]["token"])
	m = Client(WEB_URL, token=team["m"]["token"])
	order = _order(shop, qty=2)
	pay = {"customer": shop["customer"], "customer_order": order, "docstatus": 1}
	r = _post(a, "Customer Payment", {**pay, "amount": 2000.01})
	assert r.status_code == 417 and _exc(r) == "ReceivableExceededError", r.text
	r = _post(a, "Customer Payment", {**pay, "amount": -1})
	assert 400 <= r.status_code < 500, r.text
	r = _post(a, "Customer Payment", {**pay, "amount": 800, "payment_method": "Alipay"})
	assert r.status_code == 200, r.text
	payment = r.json()["data"]
	assert payment["amount_in_words"] == "捌佰元整"
	data = a.resource("Customer Order", order).json()["data"]
	assert (data["paid_amount"], data["payment_status"]) == (800, "Partly Paid")
	r = a.call("crm_suite.api.sales_money.customer_receivable", http="GET", customer=shop["customer"])
	assert r.status_code == 200 and r.json()["message"]["balance"] == 1200, r.text

	# another team sees nothing of it; the manager does
	assert b.resource("Customer Payment", payment["name"]).status_code == 403
	assert b.rows("Customer Payment", [["name", "=", payment["name"]]]) == []
	assert (
		b.call(
			"crm_suite.api.sales_money.customer_receivable", http="GET", customer=shop["customer"]
		).status_code
		== 403
	)
	assert m.resource("Customer Payment", payment["name"]).status_code == 200

	# a salesperson may not cancel a payment nor submit a refund; the manager may
	r = a.http.post(
		f"{WEB_URL}/api/method/frappe.client.cancel",
		json={"doctype": "Customer Payment", "name": payment["name"]},
	)
	assert r.status_code == 403, r.text
	refund = {"customer": shop["customer"], "customer_order": order, "amount": 300, "reason": "部分退货"}
	r = _post(a, "Customer Refund", {**refund, "docstatus": 1})
	assert r.status_code == 403, r.text
	r = _post(m, "Customer Refund", {**refund, "amount": 900, "docstatus": 1})
	assert r.status_code == 417 and _exc(r) == "RefundExceededError", r.text
	r = _post(m, "Customer Refund", {**refund, "docstatus": 1})
	assert r.status_code == 200, r.text
	assert a.resource("Customer Order", order).json()["data"]["paid_amount"] == 500


def test_contract_approval_over_rest(shop, team):
	a = shop["a"]
	m = Client(WEB_URL, token=team["m"]["token"])
	contract = {
		"customer": shop["customer"],
		"contract_title": "年度维保合同",
		"start_date": "2026-01-01",
		"end_date": "2026-12-31",
	}
	small = a.insert("Sales Contract", {**contract, "contract_amount": 50000})
	big = a.insert("Sales Contract", {**contract, "contract_amount": 500000})
	assert (small["workflow_state"], small["needs_admin_approval"], big["needs_admin_approval"]) == (
		"Pending",
		0,
		1,
	)
	apply = "frappe.model.workflow.apply_workflow"
	r = a.call(apply, doc={**small, "doctype": "Sales Contract"}, action="Approve")
	assert 400 <= r.status_code < 500, r.text
	r = m.call(apply, doc={**big, "doctype": "Sales Contract"}, action="Approve")
	assert 400 <= r.status_code < 500, r.text
	r = m.call(apply, doc={**small, "doctype": "Sales Contract"}, action="Approve")
	assert r.status_code == 200, r.text
	assert r.json()["message"]["docstatus"] == 1 and r.json()["message"]["status"] == "Active"


def test_concurrent_payments_never_over_collect(shop, team):
	order = _order(shop, qty=1)  # 1000 receivable
	clients = [Client(WEB_URL, token=team["a"]["token"]) for _ in range(8)]
	results: list[int] = []
	lock = threading.Lock()
	start = threading.Barrier(len(clients))

	def pay(client):
		start.wait()
		r = _post(
			client,
			"Customer Payment",
			{"customer": shop["customer"], "customer_order": order, "amount": 300, "docstatus": 1},
		)
		with lock:
			results.append((r.status_code, _exc(r)))

	threads = [threading.Thread(target=pay, args=(c,)) for c in clients]
	for t in threads:
		t.start()
	for t in threads:
		t.join(120)
	accepted = [r for r in results if r[0] == 200]
	assert len(accepted) == 3, results
	assert all(r[0] < 500 for r in results), results
	data = shop["a"].resource("Customer Order", order).json()["data"]
	assert (data["paid_amount"], data["payment_status"]) == (900, "Partly Paid")
