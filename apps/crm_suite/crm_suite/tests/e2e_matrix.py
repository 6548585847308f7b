"""Rows for the REST permission matrix (tests/e2e/test_permission_matrix.py), made once per run on the e2e
site with `bench --site … execute crm_suite.tests.e2e_matrix.make_rows --kwargs …`.

For every doctype of the app: one row in salesperson A's scope and one in salesperson B's (scoped doctypes,
B outside A's scope but inside their manager's), or one existing / made row (unscoped doctypes). Scope
fields are written straight to the table so that no controller rule (who applies, who sends) stands in
the way; full phone numbers go into the permlevel-1 fields for the masking checks."""

import json
import random
from itertools import count

import frappe
from frappe.utils import get_first_day, now_datetime


def _default_preference(user: str) -> dict:
	"""A Reminder Preference as a new one starts (its field defaults): db_insert stores an unset Check as 0,
	which would silently turn every reminder kind off for the user in later tests."""
	meta = frappe.get_meta("Reminder Preference")
	values = {df.fieldname: df.default for df in meta.fields if df.default is not None}
	return {**values, "user": user, "enabled": 1, "channel": "In App", "digest_hour": 8}


def _raw(doctype: str, name: str, **values) -> str:
	"""Insert a row as it is, without controllers (db_insert), owned by Administrator."""
	doc = frappe.get_doc({"doctype": doctype, **values})
	doc.name = name
	doc.owner = doc.modified_by = "Administrator"
	doc.creation = doc.modified = now_datetime()
	doc.db_insert()
	return doc.name


def _reqd_values(doctype: str, name: str) -> dict:
	meta = frappe.get_meta(doctype)
	values = {
		f.fieldname: name
		for f in meta.fields
		if f.reqd and f.fieldtype in ("Data", "Small Text", "Text", "Link", "Select", "Attach")
	}
	if meta.has_field("enabled"):
		values["enabled"] = 1  # link search leaves disabled rows out
	return values


def make_rows(a: str, b: str) -> dict:
	frappe.set_user("Administrator")
	frappe.db.set_single_value("CRM Suite Settings", "mask_phone_numbers", 1)
	tag = frappe.generate_hash(length=6)
	seq = count(1)
	base = random.randrange(10**6, 9 * 10**6)
	digits = iter(f"1397{n:07d}" for n in range(base, base + 100))  # distinct full mobile numbers

	def name() -> str:
		return f"MX-{tag}-{next(seq)}"

	rows: dict[str, dict[str, str]] = {}
	phones: dict[str, dict[str, list[str]]] = {}  # doctype → row key → full numbers in permlevel-1 fields

	customers = {}
	for key, user in (("a", a), ("b", b)):
		number, other = next(digits), next(digits)
		doc = frappe.get_doc(
			{
				"doctype": "Customer Account",
				"customer_name": f"矩阵{tag}{key}有限公司",
				"website": "https://matrix.example.cn",
				"salesperson": user,
				"mobile_no": number,
			}
		).insert(ignore_permissions=True)
		doc.reload()
		doc.phone = other  # a second save: a Version holding a full number for the timeline checks
		doc.save(ignore_permissions=True)
		customers[key] = doc.name
		phones.setdefault("Customer Account", {})[key] = [number, other]
	rows["Customer Account"] = customers
	rows["Customer Ownership Log"] = {
		key: frappe.get_all("Customer Ownership Log", filters={"customer": c}, pluck="name")[0]
		for key, c in customers.items()
	}
	rows["Contact"] = {
		key: frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": f"矩阵联系人{tag}{key}",
				"links": [{"link_doctype": "Customer Account", "link_name": c}],
			}
		)
		.insert(ignore_permissions=True)
		.name
		for key, c in customers.items()
	}
	method = frappe.get_all("Follow Up Method", pluck="name", limit=1)
	method = method[0] if method else _raw("Follow Up Method", name(), method_name=f"矩阵{tag}")
	for key, user in (("a", a), ("b", b)):
		c = customers[key]
		rows.setdefault("Sales Lead", {})[key] = _raw(
			"Sales Lead",
			name(),
			lead_name=f"矩阵线索{tag}{key}",
			salesperson=user,
			lifecycle_state="Following",
		)
		rows.setdefault("Follow Up Record", {})[key] = _raw(
			"Follow Up Record",
			name(),
			customer=c,
			method=method,
			followed_on=now_datetime(),
			content=f"矩阵跟进{tag}{key}",
			salesperson=user,
		)
		rows.setdefault("Claim Application", {})[key] = _raw(
			"Claim Application", name(), customer=c, applicant=user, workflow_state="Pending"
		)
		rows.setdefault("Invalid Customer Application", {})[key] = _raw(
			"Invalid Customer Application",
			name(),
			customer=c,
			applicant=user,
			reason="矩阵",
			workflow_state="Pending",
		)
		rows.setdefault("Customer Transfer Request", {})[key] = _raw(
			"Customer Transfer Request",
			name(),
			customer=c,
			from_salesperson=user,
			to_salesperson="Administrator",
			workflow_state="Pending",
		)
		number = next(digits)
		rows.setdefault("Phone Call Record", {})[key] = _raw(
			"Phone Call Record",
			name(),
			call_type="Inbound",
			status="Answered",
			user=user,
			phone_number=number,
			phone_number_masked=f"{number[:3]}****{number[-4:]}",
			phone_key=number,
			raw_event=json.dumps({"number": number}),
			start_time=now_datetime(),
		)
		phones.setdefault("Phone Call Record", {})[key] = [number]
		# the follow-up and call rollups follow the salesperson / the call's user, as their rows do (RPT-02, RPT-07)
		rows.setdefault("Follow Up Daily Rollup", {})[key] = _raw(
			"Follow Up Daily Rollup",
			name(),
			day=now_datetime().date(),
			salesperson=user,
			method=method,
			follow_up_count=1,
		)
		rows.setdefault("Call Daily Rollup", {})[key] = _raw(
			"Call Daily Rollup",
			name(),
			day=now_datetime().date(),
			user=user,
			call_type="Inbound",
			status="Answered",
			call_count=1,
		)
		number = next(digits)
		rows.setdefault("Dial Command", {})[key] = _raw(
			"Dial Command",
			name(),
			phone_line=f"MX-LINE-{tag}",
			status="Queued",
			requested_by=user,
			phone_number=number,
			phone_number_masked=f"{number[:3]}****{number[-4:]}",
			dial_string=number,
		)
		phones.setdefault("Dial Command", {})[key] = [number]
		rows.setdefault("SMS Record", {})[key] = _raw(
			"SMS Record", name(), customer=c, sent_by=user, message=f"矩阵短信{tag}{key}", status="Sent"
		)
		opportunity = _raw(
			"Sales Opportunity",
			name(),
			naming_series="OPP-.YYYY.-.#####",
			opportunity_title=f"矩阵商机{tag}{key}",
			customer=c,
			sales_process=frappe.db.get_value("Sales Process", {"is_default": 1}),
			stage="初步接洽",
			status="Open",
			salesperson=user,
		)
		rows.setdefault("Sales Opportunity", {})[key] = opportunity
		rows.setdefault("Opportunity Stage Log", {})[key] = _raw(
			"Opportunity Stage Log",
			name(),
			opportunity=opportunity,
			to_stage="初步接洽",
			to_status="Open",
			moved_by=user,
			moved_on=now_datetime(),
			salesperson=user,
		)
		rows.setdefault("Sales Target", {})[key] = _raw(
			"Sales Target",
			name(),
			salesperson=user,
			target_month=get_first_day(now_datetime()),
			planned_amount=100000,
			planned_count=1,
		)
		# quotations, orders and deliveries follow their salesperson and customer (SALE-04)
		for doctype in ("Sales Quotation", "Customer Order"):
			rows.setdefault(doctype, {})[key] = _raw(
				doctype, name(), customer=c, salesperson=user, currency="CNY", status="Draft"
			)
		rows.setdefault("Order Delivery", {})[key] = _raw(
			"Order Delivery", name(), customer_order=rows["Customer Order"][key], customer=c, salesperson=user
		)
		rows.setdefault("Visit Plan", {})[key] = _raw(
			"Visit Plan",
			name(),
			customer=c,
			subject=f"矩阵拜访{tag}{key}",
			planned_date=now_datetime().date(),
			status="Planned",
			salesperson=user,
		)
		# contracts, plans, payments, refunds and receivables follow their salesperson and customer (SALE-05/06)
		rows.setdefault("Sales Contract", {})[key] = _raw(
			"Sales Contract",
			name(),
			naming_series="HT-.YYYY.-",
			contract_title=f"矩阵合同{tag}{key}",
			customer=c,
			currency="CNY",
			start_date=now_datetime().date(),
			end_date=now_datetime().date(),
			contract_amount=1000,
			estimated_cost=600,
			gross_margin=400,
			status="Pending",
			salesperson=user,
		)
		rows.setdefault("Payment Plan", {})[key] = _raw(
			"Payment Plan",
			name(),
			naming_series="PP-.YYYY.-",
			customer_order=rows["Customer Order"][key],
			customer=c,
			salesperson=user,
		)
		for doctype, series, extra in (
			("Customer Payment", "HK-.YYYY.-", {}),
			("Customer Refund", "TK-.YYYY.-", {"reason": "矩阵"}),
		):
			rows.setdefault(doctype, {})[key] = _raw(
				doctype,
				name(),
				naming_series=series,
				customer=c,
				customer_order=rows["Customer Order"][key],
				posting_date=now_datetime().date(),
				amount=100,
				currency="CNY",
				salesperson=user,
				**extra,
			)
		rows.setdefault("Receivable Ledger Entry", {})[key] = _raw(
			"Receivable Ledger Entry",
			name(),
			posting_date=now_datetime().date(),
			customer=c,
			entry_type="Payment",
			amount=-100,
			salesperson=user,
		)
		rows.setdefault("Receivable Balance", {})[key] = _raw(
			"Receivable Balance",
			f"Customer Account-{c}",
			balance_of="Customer Account",
			balance_name=c,
			customer=c,
			salesperson=user,
			balance=-100,
		)
		# the collection rollup follows the salesperson who earned the money only (RPT-08)
		rows.setdefault("Collection Daily Rollup", {})[key] = _raw(
			"Collection Daily Rollup",
			name(),
			posting_date=now_datetime().date(),
			salesperson=user,
			currency="CNY",
			paid_amount=100,
			entry_count=1,
		)
		# loyalty points follow the customer, redemptions and expenses also their salesperson (SALE-08, SALE-11)
		rows.setdefault("Customer Points Entry", {})[key] = _raw(
			"Customer Points Entry",
			name(),
			customer=c,
			points=10,
			entry_type="Accrual",
			voucher_type="Customer Order",
			voucher_no=rows["Customer Order"][key],
			customer_order=rows["Customer Order"][key],
		)
		rows.setdefault("Customer Points Balance", {})[key] = _raw(
			"Customer Points Balance", c, customer=c, points=10
		)
		rows.setdefault("Gift Redemption", {})[key] = _raw(
			"Gift Redemption", name(), customer=c, gift="矩阵礼品", qty=1, salesperson=user
		)
		rows.setdefault("Points Edit Log", {})[key] = _raw(
			"Points Edit Log",
			name(),
			customer_order=rows["Customer Order"][key],
			customer_account=c,
			edited_by=user,
			old_points=1,
			new_points=2,
		)
		rows.setdefault("Sales Expense", {})[key] = _raw(
			"Sales Expense",
			name(),
			customer=c,
			salesperson=user,
			expense_type="差旅费",
			amount=100,
			currency="CNY",
		)
		# reminders and their preferences follow their user (FUP-04)
		rows.setdefault("Follow Up Reminder", {})[key] = _raw(
			"Follow Up Reminder",
			name(),
			user=user,
			kind="Next Contact",
			subject=f"矩阵提醒{tag}{key}",
			due_date=now_datetime().date(),
			customer=c,
			reference_doctype="Customer Account",
			reference_name=c,
			status="Open",
		)
		# campaigns follow their owner, inquiries their handler; the caller's number is level 1 (MKT-01, SVC-01)
		rows.setdefault("Sales Campaign", {})[key] = _raw(
			"Sales Campaign",
			name(),
			naming_series="MKT-.YYYY.-.####",
			campaign_name=f"矩阵活动{tag}{key}",
			channel="Other",
			status="Planned",
			start_date=now_datetime().date(),
			end_date=now_datetime().date(),
			currency="CNY",
			campaign_owner=user,
		)
		number = next(digits)
		rows.setdefault("Service Inquiry", {})[key] = _raw(
			"Service Inquiry",
			name(),
			naming_series="INQ-.YYYY.-.#####",
			subject=f"矩阵咨询{tag}{key}",
			inquiry_type="Pre-sales",
			status="Open",
			customer=c,
			question=f"矩阵问题{tag}{key}",
			phone=number,
			phone_masked=f"{number[:3]}****{number[-4:]}",
			salesperson=user,
		)
		phones.setdefault("Service Inquiry", {})[key] = [number]
		# complaints, service requests, work orders and service contracts follow the customer (SVC-02, SVC-03)
		rows.setdefault("Customer Complaint", {})[key] = _raw(
			"Customer Complaint",
			name(),
			naming_series="TS-.YYYY.-",
			subject=f"矩阵投诉{tag}{key}",
			customer=c,
			severity="一般",
			reported_on=now_datetime(),
			deadline=now_datetime(),
			workflow_state="Open",
			salesperson=user,
			responsible_person=user,
		)
		rows.setdefault("Service Request", {})[key] = _raw(
			"Service Request",
			name(),
			naming_series="FW-.YYYY.-",
			subject=f"矩阵服务{tag}{key}",
			customer=c,
			request_type="Repair",
			status="Open",
			requested_on=now_datetime().date(),
			salesperson=user,
		)
		rows.setdefault("Service Work Order", {})[key] = _raw(
			"Service Work Order",
			name(),
			naming_series="GD-.YYYY.-",
			service_request=rows["Service Request"][key],
			customer=c,
			engineer="Administrator",
			scheduled_start=now_datetime(),
			workflow_state="Draft",
			salesperson=user,
		)
		rows.setdefault("Service Contract", {})[key] = _raw(
			"Service Contract",
			name(),
			naming_series="FWHT-.YYYY.-",
			contract_title=f"矩阵服务合同{tag}{key}",
			customer=c,
			start_date=now_datetime().date(),
			end_date=now_datetime().date(),
			status="Active",
			salesperson=user,
		)
		rows.setdefault("Reminder Preference", {})[key] = frappe.db.exists(
			"Reminder Preference", user
		) or _raw("Reminder Preference", user, **_default_preference(user))

	# unscoped doctypes: one row each (an existing one, or one made here)
	for meta_name in frappe.get_all("DocType", filters={"module": ("in", _app_modules())}, pluck="name"):
		meta = frappe.get_meta(meta_name)
		if meta.istable or meta_name in rows:
			continue
		if meta.issingle:
			rows[meta_name] = {"any": meta_name}
			continue
		existing = frappe.get_all(meta_name, pluck="name", order_by="creation asc", limit=1)
		rows[meta_name] = {
			"any": existing[0] if existing else _raw(meta_name, n := name(), **_reqd_values(meta_name, n))
		}
	frappe.db.commit()
	return {"rows": rows, "phones": phones}


def _app_modules() -> list[str]:
	return frappe.get_all("Module Def", filters={"app_name": "crm_suite"}, pluck="name")
