"""Security review, issue 12, over REST as the real roles: bad input answers a translated 4xx (item 6),
sharing follows the site's sharing switch and shares only with enabled colleagues (item 8, POOL-09),
imported text is sanitised and exported cells never start a formula (item 9a, CUS-07), conversions and
approvals obey the pool rules, scope and owner checks (item 12, POOL-12, POOL-04, POOL-08)."""

import csv
import io
import json
import time

import pytest
from conftest import WEB_URL, Client
from openpyxl import load_workbook
from test_customer_import_worker import _filled_template, _run_import, _upload


@pytest.fixture(scope="module")
def world(stack, admin, team):
	run = str(int(time.time() * 1000))[-9:]

	def customer(label: str, **extra) -> str:
		doc = admin.insert(
			"Customer Account",
			{"customer_name": f"安全{label}{run}有限公司", "website": "https://sec.cn", **extra},
		)
		return doc["name"]

	clients = {
		"a": Client(WEB_URL, token=team["a"]["token"]),
		"b": Client(WEB_URL, token=team["b"]["token"]),
		"m": Client(WEB_URL, token=team["m"]["token"]),
	}
	return {"run": run, "customer": customer, "clients": clients}


def _message(r) -> str:
	body = r.json()
	messages = json.loads(body.get("_server_messages") or "[]")
	return " ".join(json.loads(m).get("message", "") for m in messages) or body.get("exception", "")


def _is_4xx(r) -> bool:
	return 400 <= r.status_code < 500


# -- item 6: plain bad input -------------------------------------------------------------------------------


def test_assign_to_the_current_owner_and_an_unknown_pool_answer_4xx_not_500(world, team):
	own = world["customer"]("已归属", salesperson=team["a"]["user"])
	m, a = world["clients"]["m"], world["clients"]["a"]

	r = m.call("crm_suite.api.pool.assign", names=[own], to_user=team["a"]["user"])
	assert _is_4xx(r), (r.status_code, r.text[:300])
	assert "already belong" in _message(r), r.text[:300]

	r = a.call("crm_suite.api.pool.random_claim", pool_name="does-not-exist", count=1)
	assert r.status_code == 404, (r.status_code, r.text[:300])
	assert "not found" in _message(r), r.text[:300]


# -- item 8: sharing ---------------------------------------------------------------------------------------


def test_share_refuses_disabled_website_and_unknown_users_and_obeys_disable_document_sharing(
	world, admin, team
):
	run = world["run"]
	mine = world["customer"]("共享", salesperson=team["a"]["user"])
	disabled = f"sec-disabled-{run}@crm-suite.test"
	website = f"sec-website-{run}@crm-suite.test"
	admin.insert(
		"User",
		{
			"email": disabled,
			"first_name": "Disabled",
			"enabled": 0,
			"send_welcome_email": 0,
			"roles": [{"role": "CRM Salesperson"}],
		},
	)
	admin.insert(
		"User", {"email": website, "first_name": "Web", "user_type": "Website User", "send_welcome_email": 0}
	)
	a = world["clients"]["a"]
	for target in (disabled, website, f"nobody-{run}@crm-suite.test"):
		r = a.call("crm_suite.api.pool.share", customer=mine, users=[target], write=1)
		assert _is_4xx(r), (target, r.status_code, r.text[:300])
	shares = admin.rows("DocShare", [["share_name", "=", mine]], ["user"])
	assert shares == [], shares

	r = admin.http.put(
		f"{WEB_URL}/api/resource/System Settings/System Settings",
		json={"disable_document_sharing": 1},
		timeout=30,
	)
	assert r.status_code == 200, r.text[:300]
	try:
		r = a.call("crm_suite.api.pool.share", customer=mine, users=[team["b"]["user"]])
		assert r.status_code == 403, (r.status_code, r.text[:300])
		assert "sharing is disabled" in _message(r), r.text[:300]
		assert admin.rows("DocShare", [["share_name", "=", mine]], ["user"]) == []
	finally:
		admin.http.put(
			f"{WEB_URL}/api/resource/System Settings/System Settings",
			json={"disable_document_sharing": 0},
			timeout=30,
		)
	r = a.call("crm_suite.api.pool.share", customer=mine, users=[team["b"]["user"]])
	assert r.status_code == 200, r.text[:300]


# -- item 9a: stored XSS on import, formulas in exports ----------------------------------------------------


def test_import_sanitises_markup_like_document_save(world, admin, team):
	run = world["run"]
	name = f"导入安全{run}贸易有限公司"
	content = _filled_template(
		admin,
		[
			{
				"customer_name": name,
				"website": "https://sec.cn",
				"remarks": "<script>alert('remarks')</script>备注<b>粗</b>",
				"address": '<img src=x onerror="alert(1)">北京路1号',
			}
		],
	)
	batch = _run_import(admin, _upload(admin, f"sec-import-{run}.xlsx", content), team["a"]["user"])
	assert batch["imported_rows"] == 1, batch
	(row,) = admin.rows("Customer Account", [["customer_name", "=", name]], ["remarks", "address"])
	assert "<script" not in row["remarks"] and "备注" in row["remarks"], row
	assert "onerror" not in row["address"] and "北京路1号" in row["address"], row


FORMULA = '=HYPERLINK("http://evil.test","点我")'


def test_exports_neutralise_cells_that_start_a_formula(world, admin, team):
	name = world["customer"]("公式", salesperson=team["a"]["user"], remarks=FORMULA, short_name="@SUM(1+1)")
	a = world["clients"]["a"]

	# the app's own customer export
	r = a.http.get(
		f"{WEB_URL}/api/method/crm_suite.api.customers.export_customers",
		params={"filters": json.dumps([["name", "=", name]])},
		timeout=60,
	)
	assert r.status_code == 200, r.text[:300]
	cells = [c for row in load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows() for c in row]
	assert not [c.coordinate for c in cells if c.data_type == "f"], "formula cells in the export"
	values = {c.value for c in cells}
	assert "'" + FORMULA in values and "'@SUM(1+1)" in values, values

	# Frappe's Report View export (CSV and Excel)
	for file_format in ("CSV", "Excel"):
		r = admin.http.post(
			f"{WEB_URL}/api/method/frappe.desk.reportview.export_query",
			data={
				"doctype": "Customer Account",
				"file_format_type": file_format,
				"fields": json.dumps(
					[
						"`tabCustomer Account`.`name`",
						"`tabCustomer Account`.`remarks`",
						"`tabCustomer Account`.`short_name`",
					]
				),
				"filters": json.dumps([["Customer Account", "name", "=", name]]),
			},
			timeout=60,
		)
		assert r.status_code == 200, (file_format, r.text[:300])
		if file_format == "CSV":
			values = {v for row in csv.reader(io.StringIO(r.content.decode())) for v in row}
		else:
			sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
			cells = [c for row in sheet.iter_rows() for c in row]
			assert not [c.coordinate for c in cells if c.data_type == "f"], (
				"formula cells in Report View export"
			)
			values = {c.value for c in cells}
		assert "'" + FORMULA in values and "'@SUM(1+1)" in values, (file_format, values)


# -- item 12: conversions and approvals --------------------------------------------------------------------


def test_lead_conversion_obeys_approval_only_pools_and_contact_scope(world, admin, team):
	run = world["run"]
	a = world["clients"]["a"]
	pool = admin.insert(
		"Customer Pool",
		{"pool_name": f"审批池{run}", "pool_type": "Customer", "claim_needs_approval": 1},
	)["name"]
	pooled_name = f"安全池中{run}有限公司"
	pooled = admin.insert(
		"Customer Account", {"customer_name": pooled_name, "website": "https://sec.cn", "customer_pool": pool}
	)["name"]
	lead = admin.insert(
		"Sales Lead",
		{"lead_name": f"线索{run}", "company_name": pooled_name, "salesperson": team["a"]["user"]},
	)["name"]
	r = a.call("crm_suite.api.pool.convert_lead", lead=lead)
	assert _is_4xx(r), (r.status_code, r.text[:300])
	assert "need approval" in _message(r), r.text[:300]
	state = admin.resource("Customer Account", pooled).json()["data"]
	assert (state.get("salesperson"), state["lifecycle_state"]) == (None, "Pool"), state

	# a contact of salesperson B's customer, found by its mobile number, is not handed to A
	theirs = world["customer"]("乙客户", salesperson=team["b"]["user"])
	mobile = "139" + run[-8:]
	contact = admin.insert(
		"Contact",
		{
			"first_name": f"乙联系人{run}",
			"phone_nos": [{"phone": mobile, "is_primary_mobile_no": 1}],
			"links": [{"link_doctype": "Customer Account", "link_name": theirs}],
		},
	)["name"]
	lead = admin.insert(
		"Sales Lead",
		{
			"lead_name": f"线索二{run}",
			"company_name": f"安全新公司{run}有限公司",
			"contact_name": "某人",
			"mobile_no": mobile,
			"salesperson": team["a"]["user"],
		},
	)["name"]
	r = a.call("crm_suite.api.pool.convert_lead", lead=lead)
	assert _is_4xx(r), (r.status_code, r.text[:300])
	assert a.resource("Contact", contact).status_code in (403, 404)
	links = admin.resource("Contact", contact).json()["data"]["links"]
	assert [link["link_name"] for link in links] == [theirs], links


def test_invalid_application_is_fixed_once_made_and_approval_rechecks_the_owner(world, admin, team):
	a, m = world["clients"]["a"], world["clients"]["m"]
	mine = world["customer"]("无效甲", salesperson=team["a"]["user"])
	theirs = world["customer"]("无效乙", salesperson=team["b"]["user"])
	r = a.call("crm_suite.api.pool.apply_invalid", customer=mine, reason="空号")
	assert r.status_code == 200, r.text[:300]
	application = r.json()["message"]

	# the applicant cannot swap in someone else's customer while the application is pending
	r = a.http.put(
		f"{WEB_URL}/api/resource/Invalid Customer Application/{application}",
		json={"customer": theirs},
		timeout=30,
	)
	assert _is_4xx(r), (r.status_code, r.text[:300])
	assert admin.resource("Invalid Customer Application", application).json()["data"]["customer"] == mine

	# the customer moves to B before the manager decides: approving must not make B's customer invalid
	r = admin.call("crm_suite.api.pool.assign", names=[mine], to_user=team["b"]["user"])
	assert r.status_code == 200, r.text[:300]
	doc = admin.resource("Invalid Customer Application", application).json()["data"]
	r = m.call("frappe.model.workflow.apply_workflow", doc=doc, action="Approve")
	assert _is_4xx(r), (r.status_code, r.text[:300])
	state = admin.resource("Customer Account", mine).json()["data"]
	assert (state.get("salesperson"), state["lifecycle_state"]) == (team["b"]["user"], "Following"), state
