"""Campaigns (SPEC MKT-01), inquiries (SVC-01) and the knowledge base (SVC-04) over REST with the API tokens
integrators use, as salespeople a and b and their manager m: row scope (ORG-03), the campaign's live results,
the one-action and idempotent conversion of an inquiry, the caller's number masked for salespeople (ORG-06),
knowledge written by managers and read by everyone, and bad input answered 4xx, never 500."""

import time

import pytest
from conftest import WEB_URL, Client, exc_type, post_resource

CAMPAIGN = "Sales Campaign"
INQUIRY = "Service Inquiry"
ARTICLE = "Knowledge Article"


@pytest.fixture(scope="module")
def desk(stack, admin, team) -> dict:
	suffix = str(int(time.time()))
	customers = {
		key: admin.insert(
			"Customer Account",
			{
				"customer_name": f"营销端到端{key}{suffix}有限公司",
				"website": "https://mkt.example.cn",
				"salesperson": team[key]["user"],
			},
		)["name"]
		for key in ("a", "b")
	}
	clients = {key: Client(WEB_URL, token=team[key]["token"]) for key in ("a", "b", "m")}
	return {"customers": customers, "clients": clients, "team": team, "admin": admin, "suffix": suffix}


def test_a_campaign_is_its_owner_s_and_counts_the_customers_carrying_it(desk):
	a, b, m = (desk["clients"][k] for k in ("a", "b", "m"))
	campaign = a.insert(
		CAMPAIGN,
		{
			"campaign_name": f"端到端展会{desk['suffix']}",
			"channel": "Exhibition",
			"start_date": "2026-01-01",
			"end_date": "2026-12-31",
			"budget": 2000,
			"goals": [{"metric": "Customers", "target_value": 1}],
		},
	)
	assert campaign["campaign_owner"] == desk["team"]["a"]["user"]
	# the customer is tagged with the campaign by its salesperson
	r = a.http.put(
		f"{WEB_URL}/api/resource/Customer Account/{desk['customers']['a']}",
		json={"campaign": campaign["name"]},
		timeout=30,
	)
	assert r.status_code == 200, r.text
	r = a.call("crm_suite.api.marketing.campaign_results", http="GET", campaign=campaign["name"])
	assert r.status_code == 200, r.text
	summary = r.json()["message"]
	assert summary["results"]["customers"] == 1
	assert summary["goals"][0]["reached"] is True
	assert summary["budget"]["remaining"] == 2000
	# scope: b neither reads nor lists it, the manager does
	assert b.resource(CAMPAIGN, campaign["name"]).status_code == 403
	assert campaign["name"] not in {row["name"] for row in b.rows(CAMPAIGN, [])}
	assert campaign["name"] in {row["name"] for row in m.rows(CAMPAIGN, [])}
	r = b.call("crm_suite.api.marketing.campaign_results", http="GET", campaign=campaign["name"])
	assert r.status_code == 403, r.text
	r = m.call("crm_suite.api.marketing.campaign_results", http="GET", campaign=campaign["name"])
	assert r.status_code == 200 and r.json()["message"]["results"]["customers"] == 1
	# the report, scoped the same way
	for client, seen in ((a, True), (b, False), (m, True)):
		r = client.call(
			"frappe.desk.query_report.run", http="GET", report_name="Campaign Results", filters="{}"
		)
		assert r.status_code == 200, r.text
		names = {row.get("campaign") for row in r.json()["message"]["result"] if isinstance(row, dict)}
		assert (campaign["name"] in names) is seen


def test_bad_campaign_input_is_a_4xx(desk):
	a = desk["clients"]["a"]
	r = post_resource(
		a,
		CAMPAIGN,
		{"campaign_name": "倒序日期", "channel": "SMS", "start_date": "2026-05-02", "end_date": "2026-05-01"},
	)
	assert r.status_code == 417 and exc_type(r) == "CampaignDatesInvalid", r.text
	r = post_resource(
		a,
		CAMPAIGN,
		{
			"campaign_name": "他人负责",
			"channel": "SMS",
			"start_date": "2026-05-01",
			"end_date": "2026-05-02",
			"campaign_owner": desk["team"]["b"]["user"],
		},
	)
	assert r.status_code == 403 and exc_type(r) == "CampaignOwnerRefused", r.text
	r = a.call("crm_suite.api.marketing.campaign_results", http="GET", campaign="MKT-无此活动")
	assert r.status_code == 404, r.text
	r = a.call("crm_suite.api.marketing.campaign_results", http="GET")
	assert 400 <= r.status_code < 500, r.text


def test_an_inquiry_converts_once_to_an_opportunity_of_its_customer(desk):
	a, b, m = (desk["clients"][k] for k in ("a", "b", "m"))
	inquiry = a.insert(
		INQUIRY,
		{
			"subject": "端到端询价",
			"inquiry_type": "Pre-sales",
			"customer": desk["customers"]["a"],
			"question": "<p>批量采购有折扣吗？</p>",
		},
	)
	assert inquiry["salesperson"] == desk["team"]["a"]["user"] and inquiry["status"] == "Open"
	# b may not convert (nor read) a's inquiry
	r = b.call("crm_suite.api.service.convert_inquiry", inquiry=inquiry["name"])
	assert r.status_code == 403, r.text
	assert b.resource(INQUIRY, inquiry["name"]).status_code == 403
	first = a.call("crm_suite.api.service.convert_inquiry", inquiry=inquiry["name"])
	assert first.status_code == 200, first.text
	made = first.json()["message"]
	assert made["created"] is True
	again = a.call("crm_suite.api.service.convert_inquiry", inquiry=inquiry["name"])
	assert again.status_code == 200 and again.json()["message"] == {**made, "created": False}
	opportunity = a.resource("Sales Opportunity", made["opportunity"]).json()["data"]
	assert opportunity["customer"] == desk["customers"]["a"]
	done = a.resource(INQUIRY, inquiry["name"]).json()["data"]
	assert (done["status"], done["opportunity"]) == ("Converted", made["opportunity"])
	assert m.resource(INQUIRY, inquiry["name"]).status_code == 200
	# converting is a POST only, and names an existing inquiry
	r = a.call("crm_suite.api.service.convert_inquiry", http="GET", inquiry=inquiry["name"])
	assert 400 <= r.status_code < 500, r.text
	r = a.call("crm_suite.api.service.convert_inquiry", inquiry="INQ-无此咨询")
	assert r.status_code == 404, r.text
	r = a.call("crm_suite.api.service.convert_inquiry")
	assert 400 <= r.status_code < 500, r.text


def test_a_caller_inquiry_keeps_the_number_masked_for_salespeople(desk):
	a, m = desk["clients"]["a"], desk["clients"]["m"]
	r = desk["admin"].http.put(
		f"{WEB_URL}/api/resource/CRM Suite Settings/CRM Suite Settings",
		json={"mask_phone_numbers": 1},
		timeout=60,
	)
	assert r.status_code == 200, r.text
	number = f"139{desk['suffix'][-8:]}"
	inquiry = a.insert(
		INQUIRY,
		{
			"subject": "来电咨询",
			"caller_name": "赵先生",
			"phone_masked": number,
			"question": "<p>售后电话？</p>",
		},
	)
	seen_by_a = a.resource(INQUIRY, inquiry["name"]).text
	assert number not in seen_by_a
	assert number in m.resource(INQUIRY, inquiry["name"]).text  # managers read full numbers
	# without a customer it cannot become an opportunity
	r = a.call("crm_suite.api.service.convert_inquiry", inquiry=inquiry["name"])
	assert r.status_code == 417 and exc_type(r) == "InquiryWithoutCustomer", r.text
	r = post_resource(a, INQUIRY, {"subject": "无人", "question": "<p>?</p>"})
	assert r.status_code == 417 and exc_type(r) == "InquiryWithoutCaller", r.text
	r = post_resource(
		a, INQUIRY, {"subject": "越权", "question": "<p>?</p>", "customer": desk["customers"]["b"]}
	)
	assert r.status_code == 403, r.text


def test_knowledge_is_written_by_managers_and_read_and_searched_by_everyone(desk):
	a, b, admin = desk["clients"]["a"], desk["clients"]["b"], desk["admin"]
	r = post_resource(a, ARTICLE, {"title": "销售自写", "category": "常见问题", "content": "<p>x</p>"})
	assert r.status_code == 403, r.text
	title = f"退换货流程{desk['suffix']}"
	article = admin.insert(
		ARTICLE, {"title": title, "category": "售后服务", "keywords": "退货 换货", "content": "<p>七天内</p>"}
	)
	for client in (a, b):
		assert client.resource(ARTICLE, article["name"]).status_code == 200
		for text in ("退换货", "thh", "tuihuanhuo", "换货"):
			r = client.call("crm_suite.api.service.search_knowledge", http="GET", text=text)
			assert r.status_code == 200, r.text
			assert article["name"] in {row["name"] for row in r.json()["message"]}, text
	r = a.call("crm_suite.api.service.search_knowledge", http="GET", text="x", limit="many")
	assert 400 <= r.status_code < 500, r.text
	# an inquiry answered from the article
	inquiry = a.insert(
		INQUIRY,
		{
			"subject": "怎么退货",
			"customer": desk["customers"]["a"],
			"inquiry_type": "After-sales",
			"question": "<p>怎么退货？</p>",
			"knowledge_article": article["name"],
			"answer": "<p>七天内</p>",
		},
	)
	assert (inquiry["status"], inquiry["answered_by"]) == ("Answered", desk["team"]["a"]["user"])
