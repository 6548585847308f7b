"""Phone masking's one rule (SPEC ORG-06): the registry of number fields, the history filter and the patch
that fills the copies of rows written before a doctype joined the registry."""

import json

import frappe

from crm_suite.patches.v1_0 import mask_lead_contact_numbers
from crm_suite.services.masking import mask_version_data, masked_field, number_fields
from crm_suite.tests.utils import CRMTestCase, make_customer, make_sales_team


class TestMaskingRegistry(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		frappe.db.set_single_value("CRM Suite Settings", "mask_phone_numbers", 1)

	def test_every_number_field_is_above_level_zero_with_a_level_zero_copy(self):
		self.assertTrue({"Customer Account", "Sales Lead", "Contact", "SMS Opt Out"} <= set(number_fields()))
		for doctype, fields in number_fields().items():
			meta = frappe.get_meta(doctype)
			for fieldname in fields:
				self.assertGreater(meta.get_field(fieldname).permlevel, 0, f"{doctype}.{fieldname}")
				copy = meta.get_field(masked_field(fieldname))
				self.assertTrue(copy, f"{doctype} has no copy of {fieldname}")
				self.assertEqual(copy.permlevel, 0)
		self.assertGreater(frappe.get_meta("Contact").get_field("phone_nos").permlevel, 0)
		self.assertGreater(frappe.get_meta("SMS Opt Out").get_field("phone_key").permlevel, 0)

	def test_history_masks_numbers_and_drops_other_fields_above_the_readers_level(self):
		diff = {
			"changed": [["mobile_no", "13812345678", "13987654321"], ["customer_name", "甲", "乙"]],
			"added": [],
			"removed": [],
			"row_changed": [],
		}
		as_salesperson = json.loads(
			mask_version_data("Customer Account", json.dumps(diff), self.team["sales_a"])
		)
		self.assertEqual(
			as_salesperson["changed"],
			[["mobile_no", "138****5678", "139****4321"], ["customer_name", "甲", "乙"]],
		)
		self.assertEqual(mask_version_data("Customer Account", diff, self.team["manager"]), diff)

		call = {
			"changed": [["raw_event", "{...13812345678...}", None], ["phone_key", "+8613812345678", None]]
		}
		self.assertEqual(mask_version_data("Phone Call Record", call, self.team["sales_a"])["changed"], [])

		rows = {
			"added": [["phone_nos", {"phone": "13812345678", "is_primary_mobile_no": 1}]],
			"row_changed": [["phone_nos", 0, "x", [["phone", "13812345678", "13987654321"]]]],
		}
		masked = mask_version_data("Contact", rows, self.team["sales_a"])
		self.assertEqual(
			masked["added"], [["phone_nos", {"phone": "138****5678", "is_primary_mobile_no": 1}]]
		)
		self.assertEqual(masked["row_changed"][0][3], [["phone", "138****5678", "139****4321"]])

		frappe.db.set_single_value("CRM Suite Settings", "mask_phone_numbers", 0)
		self.assertEqual(
			mask_version_data("Customer Account", diff, self.team["sales_a"])["changed"][0][2], "13987654321"
		)


class TestMaskingSetting(CRMTestCase):
	def test_switching_masking_rewrites_every_copy(self):
		settings = frappe.get_single("CRM Suite Settings")
		settings.mask_phone_numbers = 1
		settings.save(ignore_permissions=True)
		customer = make_customer(mobile_no="13812345678")
		self.assertEqual(customer.mobile_no_masked, "138****5678")
		settings.reload()
		settings.mask_phone_numbers = 0
		settings.save(ignore_permissions=True)
		self.assertEqual(
			frappe.db.get_value("Customer Account", customer.name, "mobile_no_masked"), "13812345678"
		)
		settings.reload()
		settings.mask_phone_numbers = 1
		settings.save(ignore_permissions=True)
		self.assertEqual(
			frappe.db.get_value("Customer Account", customer.name, "mobile_no_masked"), "138****5678"
		)


class TestMaskLeadContactNumbersPatch(CRMTestCase):
	def test_patch_fills_the_copies_of_existing_rows(self):
		frappe.db.set_single_value("CRM Suite Settings", "mask_phone_numbers", 1)
		lead = frappe.get_doc(
			{
				"doctype": "Sales Lead",
				"lead_name": "补丁线索",
				"company_name": f"补丁{frappe.generate_hash(length=6)}有限公司",
				"mobile_no": "13812345678",
				"phone": "010-88886666",
			}
		).insert(ignore_permissions=True)
		customer = make_customer()
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "补丁联系人",
				"links": [{"link_doctype": "Customer Account", "link_name": customer.name}],
				"phone_nos": [{"phone": "13912345678", "is_primary_mobile_no": 1}],
			}
		).insert(ignore_permissions=True)
		opt_out = frappe.get_doc({"doctype": "SMS Opt Out", "phone_number": "13712345678"}).insert(
			ignore_permissions=True
		)
		# rows as they were before the copies existed
		frappe.db.set_value("Sales Lead", lead.name, {"mobile_no_masked": None, "phone_masked": None})
		frappe.db.set_value("Contact", contact.name, "mobile_no_masked", None)
		frappe.db.set_value("SMS Opt Out", opt_out.name, "phone_number_masked", None)

		mask_lead_contact_numbers.execute()

		self.assertEqual(
			frappe.db.get_value("Sales Lead", lead.name, ["mobile_no_masked", "phone_masked"]),
			("138****5678", "010-****6666"),
		)
		self.assertEqual(frappe.db.get_value("Contact", contact.name, "mobile_no_masked"), "139****5678")
		self.assertEqual(
			frappe.db.get_value("SMS Opt Out", opt_out.name, "phone_number_masked"), "137****5678"
		)
		self.assertEqual(frappe.db.get_value("Sales Lead", lead.name, "mobile_no"), "13812345678")
