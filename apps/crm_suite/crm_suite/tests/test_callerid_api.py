"""The bridge's endpoints (SPEC CALL-01, CALL-02): device-only token auth, malformed bodies refused with
nothing written, idempotent by event id, exact and suffix matching, realtime only to the line's users
with row scope and masking applied per user."""

import frappe
from frappe.realtime import clear_realtime_log

from crm_suite.api import callerid
from crm_suite.services import call_center, screen_pop
from crm_suite.tests.call_center_utils import device_request, make_device, make_line, reset_caches
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team


def post(token, user, **event):
	event.setdefault("event_id", "evt-" + frappe.generate_hash(length=12))
	event.setdefault("line_id", "desk-1")
	with device_request(token, user):
		return callerid.incoming_call(**event)


def call_count() -> int:
	return frappe.db.count("Phone Call Record")


class TestCallerIdApi(CRMTestCase):
	def setUp(self):
		super().setUp()
		reset_caches()
		self.team = make_sales_team()
		self.device = make_device()
		make_line("desk-1", [self.team["sales_a"]], self.device["user"], local_area_code="010")
		clear_realtime_log()

	def tearDown(self):
		clear_realtime_log()
		super().tearDown()
		reset_caches()

	def published(self) -> list:
		return [row for row in getattr(frappe.local, "_realtime_log", []) if row[0] == screen_pop.CALL_EVENT]

	def test_known_customer_pops_only_to_the_bound_user_with_the_customer(self):
		customer = make_customer(mobile_no="13800138001", salesperson=self.team["sales_a"])
		opportunity = frappe.get_doc(
			{"doctype": "Sales Opportunity", "opportunity_title": "呼叫中心项目", "customer": customer.name}
		).insert()
		result = post(self.device["token"], self.device["user"], number="13800138001", name="ZHANG")
		self.assertTrue(result["created"])
		call = frappe.get_doc("Phone Call Record", result["call"])
		self.assertEqual(call.customer, customer.name)
		self.assertEqual(call.match_type, "Exact")
		self.assertEqual(call.phone_key, "+8613800138001")
		self.assertEqual(call.number_type, "Mobile")
		self.assertEqual(call.user, self.team["sales_a"])
		self.assertEqual(call.number_carrier, "中国移动")
		events = self.published()
		self.assertEqual([room for _e, _m, room in events], [f"user:{self.team['sales_a']}"])
		pop = events[0][1]
		self.assertEqual(pop["state"], "known")
		self.assertEqual(pop["customer"]["name"], customer.name)
		# follow-ups (SPEC FUP-01) show in the pop, read with the bound salesperson's permissions
		self.assertEqual(pop["customer"]["follow_ups"], {"doctype": "Follow Up Record", "rows": []})
		# and the open opportunities (SPEC SALE-01), read the same way
		section = pop["customer"]["opportunities"]
		self.assertEqual(section["doctype"], "Sales Opportunity")
		self.assertEqual(
			[(r["name"], r["title"], r["status"]) for r in section["rows"]],
			[(opportunity.name, "呼叫中心项目", "Open")],
		)

	def test_same_event_id_twice_makes_one_record_and_one_pop(self):
		first = post(
			self.device["token"], self.device["user"], event_id="evt-duplicate-1", number="13800138002"
		)
		before = call_count()
		again = post(
			self.device["token"], self.device["user"], event_id="evt-duplicate-1", number="13800138002"
		)
		self.assertEqual(again, {"call": first["call"], "created": False})
		self.assertEqual(call_count(), before)
		self.assertEqual(len(self.published()), 1)

	def test_event_id_is_unique_in_the_database(self):
		post(self.device["token"], self.device["user"], event_id="evt-unique-123", number="13800138003")
		doc = frappe.get_doc(
			{"doctype": "Phone Call Record", "call_type": "Inbound", "event_id": "evt-unique-123"}
		)
		self.assertRaises(frappe.UniqueValidationError, doc.insert, ignore_permissions=True)

	def test_local_number_uses_the_line_area_code(self):
		customer = make_customer(phone="010-66778899", salesperson=self.team["sales_a"])
		result = post(self.device["token"], self.device["user"], number="66778899")
		call = frappe.get_doc("Phone Call Record", result["call"])
		self.assertEqual((call.customer, call.match_type), (customer.name, "Exact"))

	def test_local_number_without_any_area_code_is_a_labelled_suffix_match(self):
		customer = make_customer(phone="0755-23456789", salesperson=self.team["sales_a"])
		make_line("desk-2", [self.team["sales_a"]], self.device["user"])
		result = post(self.device["token"], self.device["user"], line_id="desk-2", number="23456789")
		call = frappe.get_doc("Phone Call Record", result["call"])
		self.assertEqual((call.customer, call.match_type), (customer.name, "Suffix"))
		frappe.db.set_single_value("Call Center Settings", "suffix_fallback", 0)
		call_center.clear_settings_cache()
		result = post(self.device["token"], self.device["user"], line_id="desk-2", number="23456789")
		self.assertEqual(frappe.db.get_value("Phone Call Record", result["call"], "match_type"), "None")

	def test_extension_and_prefixes_still_match_exactly(self):
		customer = make_customer(mobile_no="13800138004", salesperson=self.team["sales_a"])
		for raw in ("+86 138 0013 8004", "013800138004", "8613800138004"):
			call = post(self.device["token"], self.device["user"], number=raw)["call"]
			self.assertEqual(frappe.db.get_value("Phone Call Record", call, "customer"), customer.name, raw)

	def test_customer_outside_the_scope_is_only_known(self):
		customer = make_customer(mobile_no="13800138005", salesperson=self.team["sales_b"])
		post(self.device["token"], self.device["user"], number="13800138005")
		pop = self.published()[0][1]
		self.assertEqual(pop["state"], "hidden")
		self.assertNotIn("customer", pop)
		self.assertEqual(pop["number"], "138****8005")
		self.assertNotIn(customer.name, frappe.as_json(pop))

	def test_masking_applies_to_a_visible_customer_for_masked_roles(self):
		make_customer(mobile_no="13800138006", salesperson=self.team["sales_a"])
		post(self.device["token"], self.device["user"], number="13800138006")
		self.assertEqual(self.published()[0][1]["number"], "138****8006")
		frappe.db.set_single_value("CRM Suite Settings", "mask_phone_numbers", 0)
		clear_realtime_log()
		post(self.device["token"], self.device["user"], number="13800138006")
		self.assertEqual(self.published()[0][1]["number"], "13800138006")

	def test_new_caller_gets_a_prefilled_create(self):
		post(self.device["token"], self.device["user"], number="13900000007")
		pop = self.published()[0][1]
		self.assertEqual(pop["state"], "new")
		# the line's salesperson has no full-number access: the number goes into the copy they may type into
		self.assertEqual(pop["prefill"], {"mobile_no_masked": "13900000007"})

	def test_withheld_number(self):
		result = post(self.device["token"], self.device["user"], absent_reason="private")
		call = frappe.get_doc("Phone Call Record", result["call"])
		self.assertEqual(call.number_type, "Withheld")
		self.assertFalse(call.customer)

	def test_missing_or_wrong_token_is_401_and_writes_nothing(self):
		before = call_count()
		for token, user in ((None, "Guest"), ("nokey:nosecret", "Guest")):
			with self.assertRaises(callerid.DeviceAuthenticationError):
				post(token, user, number="13800138008")
		key = self.device["token"].split(":")[0]
		with self.assertRaises(callerid.DeviceAuthenticationError):
			post(f"{key}:wrong-secret", self.device["user"], number="13800138008")
		with self.assertRaises(callerid.DeviceAuthenticationError):
			with device_request(self.device["token"], self.device["user"], scheme="Bearer"):
				callerid.incoming_call(event_id="evt-bearer-0001", line_id="desk-1", number="13800138008")
		self.assertEqual(callerid.DeviceAuthenticationError.http_status_code, 401)
		self.assertEqual(call_count(), before)

	def test_a_salespersons_token_is_403(self):
		seller = make_device("seller_token")
		frappe.get_doc("User", seller["user"]).add_roles("CRM Salesperson")
		before = call_count()
		with self.assertRaises(callerid.NotACallerIdDevice):
			post(seller["token"], seller["user"], number="13800138009")
		self.assertEqual(callerid.NotACallerIdDevice.http_status_code, 403)
		self.assertEqual(call_count(), before)

	def test_malformed_bodies_are_417_and_write_nothing(self):
		before = call_count()
		bad = [
			{"event_id": "short"},
			{"event_id": "evt with spaces 1"},
			{"line_id": ""},
			{"number": "DROP TABLE"},
			{"number": None},
			{"kind": "outbound"},
			{"absent_reason": "gone"},
			{"call_time": "yesterday-ish"},
		]
		for change in bad:
			event = {"number": "13800138010", **change}
			with self.assertRaises(callerid.MalformedCallEvent, msg=str(change)):
				post(self.device["token"], self.device["user"], **event)
		self.assertEqual(callerid.MalformedCallEvent.http_status_code, 417)
		self.assertEqual(call_count(), before)

	def test_unknown_line_and_another_lines_device_are_refused(self):
		with self.assertRaises(call_center.UnknownPhoneLine):
			post(self.device["token"], self.device["user"], line_id="nowhere", number="13800138011")
		other = make_device("other_bridge")
		with self.assertRaises(call_center.LineNotBoundToDevice):
			post(other["token"], other["user"], number="13800138011")

	def test_call_end_and_polls_only_from_the_lines_own_device(self):
		"""CALL-01/02: another device cannot end this line's calls; a line without a device user takes
		no events and hands out no dial commands."""
		call = post(self.device["token"], self.device["user"], number="13800138014")["call"]
		event_id = frappe.db.get_value("Phone Call Record", call, "event_id")
		other = make_device("other_bridge")
		make_line("desk-3", [self.team["sales_b"]], other["user"])
		with device_request(other["token"], other["user"]):
			with self.assertRaises(call_center.LineNotBoundToDevice):
				callerid.call_ended(event_id=event_id, answered=True, duration=99)
		self.assertEqual(frappe.db.get_value("Phone Call Record", call, "status"), "Ringing")
		with self.assertRaises(call_center.LineNotBoundToDevice):  # its own line, another line's event
			post(other["token"], other["user"], line_id="desk-3", event_id=event_id, number="13800138014")
		make_line("desk-4", [self.team["sales_a"]])
		with self.assertRaises(call_center.LineNotBoundToDevice):
			post(self.device["token"], self.device["user"], line_id="desk-4", number="13800138015")
		with device_request(self.device["token"], self.device["user"]):
			with self.assertRaises(call_center.LineNotBoundToDevice):
				callerid.next_dial_commands(line_id="desk-4")

	def test_device_user_must_hold_only_the_device_role(self):
		from crm_suite.call_center.doctype.phone_line.phone_line import DeviceUserHasOtherRoles

		with self.assertRaises(DeviceUserHasOtherRoles):
			make_line("desk-9", [], self.team["sales_a"])

	def test_call_end_sets_duration_validity_and_missed(self):
		answered = post(self.device["token"], self.device["user"], number="13800138012")["call"]
		missed = post(self.device["token"], self.device["user"], number="13800138013")["call"]
		with device_request(self.device["token"], self.device["user"]):
			event_a = frappe.db.get_value("Phone Call Record", answered, "event_id")
			event_m = frappe.db.get_value("Phone Call Record", missed, "event_id")
			callerid.call_ended(event_id=event_a, answered=True, duration=42)
			callerid.call_ended(event_id=event_m, answered=False, duration=0)
		a = frappe.get_doc("Phone Call Record", answered)
		self.assertEqual((a.status, a.duration, a.is_valid_call), ("Ended", 42, 1))
		m = frappe.get_doc("Phone Call Record", missed)
		self.assertEqual((m.call_type, m.is_valid_call, m.seen), ("Missed", 0, 0))
