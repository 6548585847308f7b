"""Call centre on a real site (SPEC CALL-03..07): click-to-dial through the bridge's poll, call log row
scope, missed calls until seen, valid-call duration, statistics report, recording cleanup, SMS."""

from unittest.mock import patch

import frappe
from frappe.utils import add_days, add_to_date, now_datetime

from crm_suite.api import call_center as api
from crm_suite.api import callerid
from crm_suite.call_center.report.call_statistics import call_statistics
from crm_suite.services import call_center, dialing, recordings, sms
from crm_suite.tests.call_center_utils import device_request, make_device, make_line, reset_caches
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team, make_user


def make_call(**values):
	values.setdefault("call_type", "Inbound")
	values.setdefault("status", "Ringing")
	values.setdefault("start_time", now_datetime())
	return frappe.get_doc({"doctype": "Phone Call Record", **values}).insert(ignore_permissions=True)


class TestCallCenter(CRMTestCase):
	def setUp(self):
		super().setUp()
		reset_caches()
		self.team = make_sales_team()
		self.device = make_device()
		self.line = make_line(
			"desk-1",
			[self.team["sales_a"]],
			self.device["user"],
			outside_line_prefix="9",
			local_area_code="010",
		)
		self.line_b = make_line("desk-2", [self.team["sales_b"]])

	def tearDown(self):
		super().tearDown()
		reset_caches()

	def test_click_to_dial_goes_through_the_bridge_poll_once(self):
		customer = make_customer(mobile_no="13800138020", salesperson=self.team["sales_a"])
		frappe.set_user(self.team["sales_a"])
		queued = api.dial_customer(customer.name)
		self.assertEqual((queued["line"], queued["dial_string"]), (self.line, "913800138020"))
		call = frappe.get_doc("Phone Call Record", queued["call"])
		self.assertEqual(
			(call.call_type, call.status, call.customer, call.user),
			("Outbound", "Dialling", customer.name, self.team["sales_a"]),
		)
		with device_request(self.device["token"], self.device["user"]):
			commands = callerid.next_dial_commands(line_id="desk-1")
			self.assertEqual([c["dial_string"] for c in commands], ["913800138020"])
			self.assertEqual(callerid.next_dial_commands(line_id="desk-1"), [])  # handed out once
			callerid.dial_result(command=commands[0]["command"], ok=True)
		self.assertEqual(frappe.db.get_value("Dial Command", queued["command"], "status"), "Dialled")
		self.assertEqual(frappe.db.get_value("Phone Call Record", queued["call"], "status"), "Answered")

	def test_dial_needs_a_line_and_a_visible_customer(self):
		theirs = make_customer(mobile_no="13800138021", salesperson=self.team["sales_b"])
		frappe.set_user(self.team["sales_a"])
		with self.assertRaises(frappe.PermissionError):
			api.dial_customer(theirs.name)
		frappe.set_user(self.team["outsider"])
		with self.assertRaises(dialing.NoPhoneLine):
			api.dial("13800138021")

	def test_dial_on_a_line_the_user_is_not_bound_to_is_refused(self):
		"""CALL-04 toll fraud: the named line must be one of the caller's own (the REST e2e proves the role
		guard, which frappe.only_for-style checks cannot in tests)."""
		frappe.set_user(self.team["sales_a"])
		with self.assertRaises(frappe.PermissionError):
			api.dial("13800138025", line=self.line_b)
		frappe.set_user("Administrator")
		self.assertFalse(frappe.db.exists("Dial Command", {"phone_line": self.line_b}))
		frappe.set_user(make_user("web_visitor", []))
		with self.assertRaises(frappe.PermissionError):
			api.dial("13800138025", line=self.line)

	def test_old_dial_commands_expire_instead_of_dialling_late(self):
		queued = dialing.queue_dial("13800138022", self.team["sales_a"])
		frappe.db.set_value(
			"Dial Command", queued["command"], "creation", add_to_date(now_datetime(), minutes=-10)
		)
		with device_request(self.device["token"], self.device["user"]):
			self.assertEqual(callerid.next_dial_commands(line_id="desk-1"), [])
		self.assertEqual(frappe.db.get_value("Dial Command", queued["command"], "status"), "Expired")
		self.assertEqual(frappe.db.get_value("Phone Call Record", queued["call"], "status"), "Failed")

	def test_call_log_row_scope(self):
		mine = make_call(phone_line=self.line, phone_number="13800138023")
		theirs = make_call(phone_line=self.line_b, user=self.team["sales_b"], phone_number="13800138024")
		frappe.set_user(self.team["sales_a"])
		listed = set(frappe.get_list("Phone Call Record", pluck="name", limit_page_length=0))
		self.assertIn(mine.name, listed)
		self.assertNotIn(theirs.name, listed)
		self.assertFalse(frappe.has_permission("Phone Call Record", "read", theirs.name))
		frappe.set_user(self.team["manager"])
		listed = set(frappe.get_list("Phone Call Record", pluck="name", limit_page_length=0))
		self.assertIn(theirs.name, listed)

	def test_call_log_and_dial_queue_numbers_are_masked_by_role(self):
		"""SPEC ORG-06 on the call log (CALL-03): full numbers sit at permission level 1, so a salesperson
		reads the masked copy on every Frappe path — list, report view, form/REST get, export — and still
		calls back through the server."""
		from frappe.desk.reportview import export_query
		from frappe.desk.reportview import get as report_view

		frappe.db.set_single_value("CRM Suite Settings", "mask_phone_numbers", 1)
		call = make_call(
			phone_line=self.line,
			user=self.team["sales_a"],
			call_type="Missed",
			**call_center.call_values("13800138025"),
		)
		self.assertEqual(call.phone_number_masked, "138****8025")
		frappe.set_user(self.team["sales_a"])
		try:
			listed = frappe.get_list(
				"Phone Call Record",
				filters={"name": call.name},
				fields=["name", "phone_number", "phone_key", "phone_number_masked"],
			)
			self.assertEqual(len(listed), 1)
			self.assertNotIn("13800138025", frappe.as_json(listed))
			self.assertEqual(listed[0].phone_number_masked, "138****8025")
			form = frappe.client.get("Phone Call Record", call.name)
			self.assertIsNone(form.get("phone_number"))
			self.assertIsNone(form.get("phone_key"))
			self.assertEqual(form["phone_number_masked"], "138****8025")
			frappe.local.form_dict = frappe._dict(
				doctype="Phone Call Record",
				fields=frappe.as_json(
					[
						"`tabPhone Call Record`.`name`",
						"`tabPhone Call Record`.`phone_number`",
						"`tabPhone Call Record`.`raw_event`",
					]
				),
				filters=frappe.as_json([["Phone Call Record", "name", "=", call.name]]),
			)
			view = report_view()
			self.assertEqual(view["values"][0][0], call.name)
			self.assertNotIn("13800138025", frappe.as_json(view))
			frappe.local.form_dict.update(file_format_type="CSV", title="Phone Call Record")
			export_query()
			content = frappe.response["filecontent"]
			self.assertNotIn("13800138025", content.decode() if isinstance(content, bytes) else content)
			queued = api.call_back(call.name)  # the full number never reaches the browser
			self.assertEqual(queued["dial_string"], "913800138025")
			command = frappe.client.get("Dial Command", queued["command"])
			self.assertEqual(command["phone_number_masked"], "138****8025")
			self.assertIsNone(command.get("dial_string"))
		finally:
			frappe.local.form_dict = frappe._dict()
			frappe.set_user("Administrator")
		frappe.set_user(self.team["manager"])
		self.assertEqual(frappe.client.get("Phone Call Record", call.name)["phone_number"], "13800138025")
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(frappe.PermissionError):
			api.call_back(call.name)  # another team's call: out of scope

	def test_upgrade_patch_fills_the_masked_copies_of_existing_calls(self):
		from crm_suite.patches.v1_0 import mask_call_numbers

		frappe.db.set_single_value("CRM Suite Settings", "mask_phone_numbers", 1)
		calls = [
			make_call(phone_line=self.line, phone_number=n).name for n in ("13800138026", "010-88887777")
		]
		table = frappe.qb.DocType("Phone Call Record")
		frappe.qb.update(table).set(table.phone_number_masked, None).where(table.name.isin(calls)).run()
		mask_call_numbers.execute()
		self.assertEqual(
			sorted(frappe.get_all("Phone Call Record", {"name": ("in", calls)}, pluck="phone_number_masked")),
			["010-****7777", "138****8026"],
		)

	def test_missed_calls_are_flagged_until_seen(self):
		old = make_call(
			phone_line=self.line,
			user=self.team["sales_a"],
			start_time=add_to_date(now_datetime(), minutes=-5),
		)
		fresh = make_call(phone_line=self.line, user=self.team["sales_a"])
		other = make_call(
			phone_line=self.line_b,
			user=self.team["sales_b"],
			start_time=add_to_date(now_datetime(), minutes=-5),
		)
		self.assertEqual(call_center.mark_missed_calls(), 2)
		self.assertEqual(
			frappe.db.get_value("Phone Call Record", old.name, ["call_type", "seen"]), ("Missed", 0)
		)
		self.assertEqual(frappe.db.get_value("Phone Call Record", fresh.name, "call_type"), "Inbound")
		frappe.set_user(self.team["sales_a"])
		self.assertEqual(api.mark_seen([old.name, other.name]), 1)  # another team's call stays unseen
		self.assertEqual(
			frappe.db.get_value("Phone Call Record", old.name, ["seen", "seen_by"]), (1, self.team["sales_a"])
		)
		self.assertEqual(frappe.db.get_value("Phone Call Record", other.name, "seen"), 0)

	def test_valid_call_minimum_duration_is_configurable(self):
		call = make_call(phone_line=self.line, duration=8)
		self.assertEqual(call.is_valid_call, 0)
		frappe.get_doc(
			{
				"doctype": "Call Center Settings",
				**frappe.get_single("Call Center Settings").as_dict(),
				"valid_call_seconds": 5,
			}
		).save()
		call.save()
		self.assertEqual(call.is_valid_call, 1)

	def test_statistics_report_counts_within_scope(self):
		make_call(phone_line=self.line, user=self.team["sales_a"], call_type="Inbound", duration=30)
		make_call(phone_line=self.line, user=self.team["sales_a"], call_type="Outbound", duration=3)
		make_call(phone_line=self.line, user=self.team["sales_a"], call_type="Missed")
		make_call(phone_line=self.line_b, user=self.team["sales_b"], call_type="Inbound", duration=60)
		frappe.set_user(self.team["sales_a"])
		for filters in (
			{},
			{"phone_line": self.line},
			{"user": self.team["sales_b"]},
			{"from_date": add_days(None, -1)},
		):
			columns, rows, _msg, _chart, _summary = call_statistics.execute(filters)
			self.assertTrue(columns)
			self.assertNotIn(self.team["sales_b"], [r["user"] for r in rows])
		_c, rows, *_ = call_statistics.execute({})
		row = next(r for r in rows if r["user"] == self.team["sales_a"])
		self.assertEqual(
			(row["inbound"], row["outbound"], row["missed"], row["valid_calls"], row["talk_seconds"]),
			(1, 1, 1, 1, 33),
		)

	def test_recordings_older_than_retention_are_deleted(self):
		old = make_call(phone_line=self.line, start_time=add_days(now_datetime(), -40))
		new = make_call(phone_line=self.line)
		for call in (old, new):
			file = frappe.get_doc(
				{
					"doctype": "File",
					"file_name": f"{call.name}.wav",
					"content": b"RIFF....WAVE",
					"attached_to_doctype": "Phone Call Record",
					"attached_to_name": call.name,
					"attached_to_field": "recording",
				}
			).insert(ignore_permissions=True)
			call.db_set("recording", file.file_url)
		self.assertEqual(recordings.purge_old_recordings(30), 1)
		self.assertFalse(frappe.db.get_value("Phone Call Record", old.name, "recording"))
		self.assertFalse(frappe.db.exists("File", {"attached_to_name": old.name}))
		self.assertTrue(frappe.db.get_value("Phone Call Record", new.name, "recording"))
		self.assertEqual(recordings.purge_old_recordings(0), 0)

	def test_recording_purge_keeps_the_reference_when_the_delete_fails(self):
		"""CALL-05: a file that could not be deleted keeps its call's recording field, so the next run
		retries it; the failure is logged."""
		old = make_call(phone_line=self.line, start_time=add_days(now_datetime(), -40))
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"{old.name}.wav",
				"content": b"RIFF....WAVE",
				"attached_to_doctype": "Phone Call Record",
				"attached_to_name": old.name,
				"attached_to_field": "recording",
			}
		).insert(ignore_permissions=True)
		old.db_set("recording", file.file_url)
		with patch.object(frappe, "delete_doc", side_effect=OSError("disk is read-only")):
			self.assertEqual(recordings.purge_old_recordings(30), 0)
		self.assertEqual(frappe.db.get_value("Phone Call Record", old.name, "recording"), file.file_url)
		self.assertTrue(frappe.db.exists("File", file.name))
		self.assertTrue(frappe.db.exists("Error Log", {"method": ["like", f"%{file.name}%"]}))
		self.assertEqual(recordings.purge_old_recordings(30), 1)  # the next run retries and succeeds
		self.assertFalse(frappe.db.get_value("Phone Call Record", old.name, "recording"))
		self.assertFalse(frappe.db.exists("File", file.name))

	def test_sms_to_a_number_opted_out_after_queueing_is_not_sent(self):
		customer = make_customer(mobile_no="13800138036", salesperson=self.team["sales_a"])
		(record,) = sms._insert_records(
			[(customer.name, "13800138036", "+8613800138036", "Queued", None, "你好")], "Log Only"
		)
		api.sms_opt_out("13800138036", customer.name, "退订")
		gateway = []
		with patch.object(sms, "gateway_function", return_value=lambda *args: gateway.append(args)):
			sms.deliver([record], commit=False)
		self.assertEqual(gateway, [])
		self.assertEqual(frappe.db.get_value("SMS Record", record, "status"), "Opted Out")

	def test_sms_to_customers_with_template_scope_and_opt_out(self):
		frappe.get_doc(
			{"doctype": "SMS Template", "template_name": "问候", "message": "{customer_name}您好"}
		).insert()
		a1 = make_customer(mobile_no="13800138031", salesperson=self.team["sales_a"])
		a2 = make_customer(mobile_no="13800138032", salesperson=self.team["sales_a"])
		a3 = make_customer(phone="010-88889999", salesperson=self.team["sales_a"])
		b1 = make_customer(mobile_no="13800138034", salesperson=self.team["sales_b"])
		api.sms_opt_out("138 0013 8032", a2.name, "不要再发")
		frappe.set_user(self.team["sales_a"])
		result = api.send_sms([a1.name, a2.name, a3.name, b1.name], template="问候")
		self.assertEqual((result["queued"], result["opted_out"], result["skipped"]), (1, 1, 2))
		records = frappe.get_all(
			"SMS Record",
			filters={"name": ["in", result["records"]]},
			fields=["customer", "status", "message"],
		)
		by_customer = {r.customer: r for r in records}
		self.assertEqual(by_customer[a1.name].status, "Sent")  # Log Only gateway, delivered inline in tests
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.db.get_value("SMS Record", {"customer": a1.name}, "phone_number"), "138****8031"
		)
		frappe.set_user(self.team["sales_a"])
		self.assertEqual(by_customer[a1.name].message, f"{a1.customer_name}您好")
		self.assertEqual(by_customer[a2.name].status, "Opted Out")
		self.assertNotIn(b1.name, by_customer)
		frappe.set_user(self.team["sales_b"])
		self.assertEqual(frappe.get_list("SMS Record", filters={"name": ["in", result["records"]]}), [])

	def test_sms_gateway_failure_is_recorded(self):
		frappe.db.set_single_value(
			"Call Center Settings", {"sms_gateway": "Custom", "sms_gateway_method": "frappe.throw"}
		)
		call_center.clear_settings_cache()
		customer = make_customer(mobile_no="13800138035", salesperson=self.team["sales_a"])
		result = api.send_sms([customer.name], message="测试")
		self.assertEqual(frappe.db.get_value("SMS Record", result["records"][0], "status"), "Failed")

	def test_number_lookup_names_region_carrier_and_region_master(self):
		info = api.lookup_number("0755-88888888")
		self.assertEqual((info["region"], info["area_code"]), ("广东省深圳市", "0755"))
		self.assertEqual(
			info["customer_region"], frappe.db.get_value("Customer Region", {"area_code": "0755"})
		)
		self.assertEqual(api.lookup_number("13800138000")["carrier"], "中国移动")


class WorkerDied(BaseException):
	"""The worker killed mid-job: not an Exception, so deliver cannot record it as a gateway failure."""


class TestSmsAtMostOnce(CRMTestCase):
	"""CALL-06 at most once: deliver commits each gateway call's statuses before the next call. This test
	commits for real (no setUp data to leak) and deletes its rows afterwards."""

	def test_sms_deliver_commits_each_gateway_call_before_the_next(self):
		names = sms._insert_records(
			[
				(None, "138****8041", "+8613800138041", "Queued", None, "第一条"),
				(None, "138****8042", "+8613800138042", "Queued", None, "第二条"),
			],
			"Custom",
		)
		frappe.db.commit()
		sent, crashed = [], []

		def gateway(numbers, message):
			if len(sent) == 1 and not crashed:
				crashed.append(message)
				raise WorkerDied
			sent.append(message)

		try:
			with patch.object(sms, "gateway_function", return_value=gateway):
				with self.assertRaises(WorkerDied):
					sms.deliver(names)
				frappe.db.rollback()  # what the dead worker had not committed is gone
				status = dict(
					frappe.get_all(
						"SMS Record",
						filters={"name": ["in", names]},
						fields=["message", "status"],
						as_list=True,
					)
				)
				(first,) = sent
				second = ({"第一条", "第二条"} - {first}).pop()
				self.assertEqual(status, {first: "Sent", second: "Queued"})
				sms.deliver(names)  # the rerun sends only what was not sent
			self.assertEqual(sent, [first, second])
		finally:
			frappe.db.delete("SMS Record", {"name": ["in", names]})
			frappe.db.commit()
