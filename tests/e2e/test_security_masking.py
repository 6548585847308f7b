"""SPEC ORG-06 over REST (security review, issue 12 items 4 and 5): one masking rule for every number field.

A salesperson (no permission-level-1 read) never receives a full number — not through a document's history
(getdoc's docinfo, the Version resource), nor on Sales Leads, Contacts or SMS Opt Outs through the form,
list, report view, export or print — while their manager (level-1 read) still does, and with CRM Suite
Settings' masking off the salesperson's copies hold the whole number again.
"""

import json
import time
import uuid

import pytest
from conftest import WEB_URL, Client

SETTINGS = "CRM Suite Settings"


def unique_mobile(prefix: str) -> str:
	return prefix + str(time.time_ns())[-8:]


def tag() -> str:
	"""A name suffix that never contains a phone number."""
	return uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))


def masked(number: str) -> str:
	return number[:3] + "****" + number[-4:]


@pytest.fixture(scope="module")
def clients(stack, admin, team) -> dict:
	return {
		"a": Client(WEB_URL, token=team["a"]["token"]),
		"m": Client(WEB_URL, token=team["m"]["token"]),
		"admin": admin,
	}


def put(client: Client, doctype: str, name: str, values: dict) -> dict:
	r = client.http.put(f"{WEB_URL}/api/resource/{doctype}/{name}", json=values, timeout=30)
	assert r.status_code == 200, r.text
	return r.json()["data"]


def getdoc(client: Client, doctype: str, name: str):
	return client.call("frappe.desk.form.load.getdoc", http="GET", doctype=doctype, name=name)


def assert_hidden(text: str, *numbers: str):
	for number in numbers:
		assert number not in text, f"{number} reached a user without full-number access"


def test_history_of_a_changed_mobile_hides_the_full_numbers(admin, team, clients):
	"""Item 4: a manager changes a customer's mobile twice; the owning salesperson's form history
	(getdoc / get_docinfo versions) shows the numbers masked, the manager's in full."""
	numbers = [unique_mobile("138"), unique_mobile("139"), unique_mobile("137")]
	customer = admin.insert(
		"Customer Account",
		{
			"customer_name": f"历史脱敏{tag()}有限公司",
			"website": "https://h.cn",
			"salesperson": team["a"]["user"],
			"mobile_no": numbers[0],
		},
	)["name"]
	put(clients["m"], "Customer Account", customer, {"mobile_no": numbers[1]})
	put(clients["m"], "Customer Account", customer, {"mobile_no": numbers[2]})

	r = getdoc(clients["a"], "Customer Account", customer)
	assert r.status_code == 200, r.text
	versions = r.json()["docinfo"]["versions"]
	assert len(versions) >= 2
	assert_hidden(r.text, *numbers)
	assert masked(numbers[1]) in r.text and masked(numbers[2]) in r.text  # the change stays visible
	r = clients["a"].call(
		"frappe.desk.form.load.get_docinfo", http="GET", doctype="Customer Account", name=customer
	)
	assert r.status_code == 200, r.text
	assert_hidden(r.text, *numbers)

	r = getdoc(clients["m"], "Customer Account", customer)
	assert r.status_code == 200, r.text
	assert numbers[1] in r.text and numbers[2] in r.text  # level-1 roles keep the full history


def test_version_resource_hides_histories_with_full_numbers(admin, team, clients):
	"""Item 4: /api/resource/Version, even for a role an admin granted Version read."""
	numbers = [unique_mobile("136"), unique_mobile("135")]
	customer = admin.insert(
		"Customer Account",
		{
			"customer_name": f"版本脱敏{tag()}有限公司",
			"website": "https://v.cn",
			"salesperson": team["a"]["user"],
			"mobile_no": numbers[0],
		},
	)["name"]
	put(clients["m"], "Customer Account", customer, {"mobile_no": numbers[1]})
	manager = "frappe.core.page.permission_manager.permission_manager"
	r = admin.call(f"{manager}.add", parent="Version", role="CRM Salesperson", permlevel=0)
	assert r.status_code == 200, r.text
	try:
		r = admin.call(
			f"{manager}.update", doctype="Version", role="CRM Salesperson", permlevel=0, ptype="read", value=1
		)
		assert r.status_code == 200, r.text
		filters = json.dumps([["ref_doctype", "=", "Customer Account"], ["docname", "=", customer]])
		r = clients["a"].resource("Version", filters=filters, fields=json.dumps(["name", "data"]))
		assert r.status_code in (200, 403), r.text
		assert_hidden(r.text, *numbers)
		version = admin.rows(
			"Version",
			[["ref_doctype", "=", "Customer Account"], ["docname", "=", customer]],
			["name", "data"],
		)
		assert any(numbers[1] in row["data"] for row in version)  # the admin still reads the diff
		for row in version:
			r = clients["a"].resource("Version", row["name"])
			assert r.status_code in (403, 404), r.text
			assert_hidden(r.text, *numbers)
	finally:
		admin.call(f"{manager}.remove", doctype="Version", role="CRM Salesperson", permlevel=0)


def read_paths(client: Client, doctype: str, name: str, fields: list[str]) -> str:
	"""What a client gets back for one document through every read path, as one text."""
	texts = []
	r = client.resource(doctype, name)
	assert r.status_code == 200, r.text
	texts.append(r.text)
	r = client.resource(doctype, filters=json.dumps([["name", "=", name]]), fields=json.dumps(fields))
	assert r.status_code == 200, r.text
	texts.append(r.text)
	r = client.call(
		"frappe.desk.reportview.get",
		doctype=doctype,
		fields=json.dumps([f"`tab{doctype}`.`{f}`" for f in fields]),
		filters=json.dumps([[doctype, "name", "=", name]]),
		page_length=20,
	)
	assert r.status_code == 200, r.text
	texts.append(r.text)
	r = getdoc(client, doctype, name)
	assert r.status_code == 200, r.text
	texts.append(r.text)
	r = client.http.post(
		f"{WEB_URL}/api/method/frappe.desk.reportview.export_query",
		data={
			"doctype": doctype,
			"file_format_type": "CSV",
			"fields": json.dumps([f"`tab{doctype}`.`{f}`" for f in fields]),
			"filters": json.dumps([[doctype, "name", "=", name]]),
			"title": doctype,
		},
		timeout=60,
	)
	assert r.status_code in (200, 403), r.text[:500]
	texts.append(r.text)
	r = client.http.get(
		f"{WEB_URL}/api/method/frappe.www.printview.get_html_and_style",
		params={"doc": doctype, "name": name, "print_format": "Standard"},
		timeout=60,
	)
	assert r.status_code in (200, 403), r.text[:500]
	texts.append(r.text)
	return "\n".join(texts)


def test_sales_lead_numbers_are_masked_for_salespeople(admin, team, clients):
	"""Item 5: Sales Lead numbers were not masked at all."""
	mobile, phone = unique_mobile("137"), "010-" + unique_mobile("6")[-8:]
	lead = admin.insert(
		"Sales Lead",
		{
			"lead_name": "脱敏线索",
			"company_name": f"线索脱敏{tag()}有限公司",
			"salesperson": team["a"]["user"],
			"mobile_no": mobile,
			"phone": phone,
		},
	)["name"]
	other = mobile[:-1] + ("1" if mobile.endswith("0") else "0")  # differs: the PUT must change it
	put(clients["m"], "Sales Lead", lead, {"mobile_no": other})
	put(clients["m"], "Sales Lead", lead, {"mobile_no": mobile})
	text = read_paths(clients["a"], "Sales Lead", lead, ["name", "mobile_no", "phone", "mobile_no_masked"])
	assert_hidden(text, mobile, other, phone)
	assert clients["a"].resource("Sales Lead", lead).json()["data"]["mobile_no_masked"] == masked(mobile)
	full = clients["m"].resource("Sales Lead", lead).json()["data"]
	assert (full["mobile_no"], full["phone"]) == (mobile, phone)

	# the salesperson enters a lead's number through the copy, whole; the manager reads it in full
	typed = unique_mobile("133")
	own = clients["a"].insert(
		"Sales Lead", {"lead_name": "自建线索", "company_name": f"自建{tag()}公司", "mobile_no_masked": typed}
	)
	assert own["mobile_no_masked"] == masked(typed)
	assert clients["m"].resource("Sales Lead", own["name"]).json()["data"]["mobile_no"] == typed


def test_contact_numbers_are_masked_for_salespeople(admin, team, clients):
	"""Item 5: numbers of contacts the salesperson may read were not masked."""
	mobile, phone, other = unique_mobile("135"), "021-" + unique_mobile("5")[-8:], unique_mobile("186")
	customer = admin.insert(
		"Customer Account",
		{
			"customer_name": f"联系人脱敏{tag()}有限公司",
			"website": "https://c.cn",
			"salesperson": team["a"]["user"],
		},
	)["name"]
	contact = admin.insert(
		"Contact",
		{
			"first_name": "脱敏联系人",
			"links": [{"link_doctype": "Customer Account", "link_name": customer}],
			"phone_nos": [
				{"phone": mobile, "is_primary_mobile_no": 1},
				{"phone": phone, "is_primary_phone": 1},
				{"phone": other},
			],
		},
	)["name"]
	text = read_paths(clients["a"], "Contact", contact, ["name", "mobile_no", "phone", "mobile_no_masked"])
	assert_hidden(text, mobile, phone, other)
	# the customer form's contact cards (its onload) carry every number of the contact
	r = getdoc(clients["a"], "Customer Account", customer)
	assert r.status_code == 200 and "contact_list" in r.text, r.text[:300]
	assert_hidden(r.text, mobile, phone, other)
	assert other in getdoc(clients["m"], "Customer Account", customer).text
	data = clients["a"].resource("Contact", contact).json()["data"]
	assert (data["mobile_no_masked"], data["phone_masked"]) == (masked(mobile), "021-" + "****" + phone[-4:])
	full = clients["m"].resource("Contact", contact).json()["data"]
	assert (full["mobile_no"], full["phone"]) == (mobile, phone)
	# core Contact methods that read the numbers table: contact details and vCards
	core = "frappe.contacts.doctype.contact.contact"
	for who, shows in (("a", False), ("m", True)):
		texts = [
			clients[who].call(f"{core}.get_contact_details", http="GET", contact=contact).text,
			clients[who].call(f"{core}.download_vcard", http="GET", contact=contact).text,
			clients[who].call(f"{core}.download_vcards", contacts=json.dumps([contact])).text,
		]
		for text in texts:
			assert (mobile in text) is shows, (who, text[:300])
			assert masked(mobile) in text or shows, (who, text[:300])

	# a new number typed into the copy becomes the contact's primary mobile
	typed = unique_mobile("132")
	put(clients["a"], "Contact", contact, {"mobile_no_masked": typed})
	full = clients["m"].resource("Contact", contact).json()["data"]
	assert full["mobile_no"] == typed
	assert typed in [row["phone"] for row in full["phone_nos"]]
	assert phone == full["phone"]


def test_sms_opt_out_numbers_are_masked_for_salespeople(admin, team, clients):
	"""Item 5: SMS Opt Out numbers went to salespeople in full (and as the normalised key)."""
	number = unique_mobile("134")
	opt_out = admin.insert("SMS Opt Out", {"phone_number": number, "reason": "不要再发"})["name"]
	text = read_paths(clients["a"], "SMS Opt Out", opt_out, ["name", "phone_number", "phone_key"])
	assert_hidden(text, number)
	assert clients["a"].resource("SMS Opt Out", opt_out).json()["data"]["phone_number_masked"] == masked(
		number
	)
	assert clients["m"].resource("SMS Opt Out", opt_out).json()["data"]["phone_number"] == number

	# salespeople still record opt-outs (the API and the form's copy), managers read them in full
	via_api = unique_mobile("131")
	r = clients["a"].call("crm_suite.api.call_center.sms_opt_out", phone_number=via_api)
	assert r.status_code == 200, r.text
	assert_hidden(r.text, via_api)
	assert clients["m"].resource("SMS Opt Out", r.json()["message"]).json()["data"]["phone_number"] == via_api
	typed = unique_mobile("130")
	own = clients["a"].insert("SMS Opt Out", {"phone_number_masked": typed})
	assert clients["m"].resource("SMS Opt Out", own["name"]).json()["data"]["phone_number"] == typed
	r = clients["a"].http.post(f"{WEB_URL}/api/resource/SMS Opt Out", json={"reason": "x"}, timeout=30)
	assert r.status_code == 417 and "required" in r.text, r.text  # no number: a clear 4xx, not a 500


def test_masking_off_shows_salespeople_whole_numbers(admin, team, clients):
	"""ORG-06 is a setting: off, the copies (and the history) hold the whole number for everyone, on
	records written before the switch too."""
	earlier = unique_mobile("128")
	before = admin.insert(
		"Sales Lead",
		{
			"lead_name": "切换前线索",
			"company_name": f"切换{tag()}公司",
			"salesperson": team["a"]["user"],
			"mobile_no": earlier,
		},
	)["name"]
	assert clients["a"].resource("Sales Lead", before).json()["data"]["mobile_no_masked"] == masked(earlier)
	r = admin.http.put(f"{WEB_URL}/api/resource/{SETTINGS}/{SETTINGS}", json={"mask_phone_numbers": 0})
	assert r.status_code == 200, r.text
	try:
		deadline = time.monotonic() + 90  # the copies are rewritten by a long-queue job
		while clients["a"].resource("Sales Lead", before).json()["data"]["mobile_no_masked"] != earlier:
			assert time.monotonic() < deadline, "existing copies still masked after masking was switched off"
			time.sleep(1)
		mobile = unique_mobile("129")
		lead = admin.insert(
			"Sales Lead",
			{
				"lead_name": "不脱敏线索",
				"company_name": f"不脱敏{tag()}有限公司",
				"salesperson": team["a"]["user"],
				"mobile_no": mobile[:-1]
				+ ("8" if mobile.endswith("9") else "9"),  # differs: the PUT must change it
			},
		)["name"]
		put(clients["m"], "Sales Lead", lead, {"mobile_no": mobile})
		assert clients["a"].resource("Sales Lead", lead).json()["data"]["mobile_no_masked"] == mobile
		r = getdoc(clients["a"], "Sales Lead", lead)
		assert mobile in json.dumps(r.json()["docinfo"]["versions"])
	finally:
		r = admin.http.put(f"{WEB_URL}/api/resource/{SETTINGS}/{SETTINGS}", json={"mask_phone_numbers": 1})
		assert r.status_code == 200, r.text
