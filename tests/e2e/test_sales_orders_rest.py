"""Quotations and sales orders over REST (SPEC SALE-04, SALE-07, ORG-03) as the sales team uses them: an admin
sets up a product and its stock, a salesperson quotes their customer and turns the quotation into a confirmed
order, the totals are the server's, another team's salesperson cannot see it, the manager can; bad input is
answered 4xx, never 5xx."""

import json
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
		{
			"product_name": f"来电显示盒{suffix}",
			"product_code": f"CID-{suffix}",
			"unit": "台",
			"list_price": 1000,
			"floor_price": 800,
			"cost_price": 500,
			"default_tax_rate": 13,
			"is_stocked": 1,
		},
	)["name"]
	r = _post(
		admin,
		"Stock Movement",
		{
			"movement_type": "Stock In",
			"warehouse": "总仓",
			"lines": [{"product": product, "qty": 5}],
			"docstatus": 1,
		},
	)
	assert r.status_code == 200, r.text
	a = Client(WEB_URL, token=team["a"]["token"])
	customer = a.insert(
		"Customer Account", {"customer_name": f"订单测试{suffix}有限公司", "website": "https://o.cn"}
	)
	return {"product": product, "customer": customer["name"], "a": a}


def test_salesperson_quotes_and_confirms_an_order_with_server_totals(shop, team):
	a = shop["a"]
	r = _post(
		a,
		"Sales Quotation",
		{
			"customer": shop["customer"],
			"lines": [{"product": shop["product"], "qty": 2, "discount_percent": 10, "amount": 1}],
			"grand_total": 1,
			"docstatus": 1,
		},
	)
	assert r.status_code == 200, r.text
	quotation = r.json()["data"]
	assert (quotation["net_total"], quotation["tax_total"], quotation["grand_total"]) == (1800, 234, 2034)
	assert quotation["grand_total_in_words"] == "贰仟零叁拾肆元整"
	assert quotation["status"] == "Quoted"

	r = a.call("crm_suite.api.sales_orders.make_customer_order", http="GET", source_name=quotation["name"])
	assert r.status_code == 200, r.text
	draft = r.json()["message"]
	assert draft["quotation"] == quotation["name"] and len(draft["lines"]) == 1
	r = _post(a, "Customer Order", {**draft, "docstatus": 1})
	assert r.status_code == 200, r.text
	order = r.json()["data"]
	assert (order["status"], order["shipment_status"], order["payment_status"]) == (
		"Confirmed",
		"Not Delivered",
		"Unpaid",
	)
	assert order["grand_total"] == 2034
	assert a.resource("Sales Quotation", quotation["name"]).json()["data"]["status"] == "Ordered"

	# the order is the salesperson's and their manager's, not another team's
	b = Client(WEB_URL, token=team["b"]["token"])
	m = Client(WEB_URL, token=team["m"]["token"])
	assert b.resource("Customer Order", order["name"]).status_code == 403
	assert b.rows("Customer Order", [["name", "=", order["name"]]]) == []
	assert m.resource("Customer Order", order["name"]).status_code == 200
	assert [row["name"] for row in m.rows("Sales Quotation", [["name", "=", quotation["name"]]])] == [
		quotation["name"]
	]

	# printed in Chinese with the amount in capital numerals
	r = a.call(
		"frappe.www.printview.get_html_and_style",
		doc="Customer Order",
		name=order["name"],
		print_format="Customer Order Sheet",
	)
	assert r.status_code == 200, r.text
	assert "贰仟零叁拾肆元整" in r.json()["message"]["html"]


def test_delivery_issues_stock_and_over_delivery_is_refused(shop):
	a = shop["a"]
	r = _post(
		a,
		"Customer Order",
		{"customer": shop["customer"], "lines": [{"product": shop["product"], "qty": 2}], "docstatus": 1},
	)
	assert r.status_code == 200, r.text
	order = r.json()["data"]["name"]
	draft = a.call("crm_suite.api.sales_orders.make_order_delivery", http="GET", source_name=order).json()[
		"message"
	]
	too_much = json.loads(json.dumps(draft))
	too_much["lines"][0]["qty"] = 3
	r = _post(a, "Order Delivery", {**too_much, "docstatus": 1})
	assert 400 <= r.status_code < 500 and _exc(r) == "OverDeliveryError", r.text
	r = _post(a, "Order Delivery", {**draft, "docstatus": 1})
	assert r.status_code == 200, r.text
	assert a.resource("Customer Order", order).json()["data"]["shipment_status"] == "Fully Delivered"


def test_role_guards_and_bad_input_answer_4xx(shop, team):
	a = shop["a"]
	# a salesperson neither moves stock nor reads floor and cost prices
	r = _post(
		a,
		"Stock Movement",
		{"movement_type": "Stock In", "warehouse": "总仓", "lines": [{"product": shop["product"], "qty": 1}]},
	)
	assert r.status_code == 403, r.text
	product = a.resource("Sales Product", shop["product"]).json()["data"]
	assert product.get("floor_price") in (None, 0) and product.get("cost_price") in (None, 0)
	assert product["list_price"] == 1000

	bad_lines = {
		"below floor": ([{"product": shop["product"], "qty": 1, "price": 700}], "BelowFloorPriceError"),
		"qty text": ([{"product": shop["product"], "qty": "abc"}], None),
		"negative qty": ([{"product": shop["product"], "qty": -1}], "InvalidLineError"),
		"discount > 100": (
			[{"product": shop["product"], "qty": 1, "discount_percent": 150}],
			"InvalidLineError",
		),
		"unknown product": ([{"product": "无此产品", "qty": 1}], None),
		"no lines": ([], None),
	}
	for what, (lines, exc) in bad_lines.items():
		r = _post(a, "Sales Quotation", {"customer": shop["customer"], "lines": lines})
		assert 400 <= r.status_code < 500, (what, r.status_code, r.text[:300])
		if exc:
			assert _exc(r) == exc, (what, r.text[:300])

	# another team's customer cannot be quoted
	b = Client(WEB_URL, token=team["b"]["token"])
	r = _post(
		b,
		"Sales Quotation",
		{"customer": shop["customer"], "lines": [{"product": shop["product"], "qty": 1}]},
	)
	assert r.status_code == 403, r.text
	for source in ("", "无此报价", "x' or '1'='1"):
		r = a.call("crm_suite.api.sales_orders.make_customer_order", http="GET", source_name=source)
		assert 400 <= r.status_code < 500, (source, r.status_code, r.text[:300])
