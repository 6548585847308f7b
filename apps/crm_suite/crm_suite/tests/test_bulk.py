"""The one bulk writer of new customers (services/bulk.py), as the demo loader and the import use it."""

from unittest.mock import patch

import frappe

from crm_suite.demo.generator import customer_rows
from crm_suite.demo.load import bulk_insert_customers
from crm_suite.policies.phones import mask_phone
from crm_suite.services import bulk
from crm_suite.tests.utils import CRMTestCase

COUNT = 30


def generated(seed: int) -> list[dict]:
	# Generator indexes far beyond any demo data a dev site holds: no clash with stored customers.
	return list(customer_rows(COUNT, seed=seed, start=1_500_000 + seed * COUNT))


def insert_statements(calls, doctype: str) -> int:
	return sum(1 for c in calls if str(c.args[0]).startswith(f"insert into `tab{doctype}`"))


class TestBulkWriter(CRMTestCase):
	def test_statements_are_split_by_size_and_every_row_is_written(self):
		rows = generated(1)
		names = [r["name"] for r in rows]
		# A customer row holds a few hundred characters: at 2,000 a statement, 30 rows need several.
		with (
			patch.object(bulk, "STATEMENT_CHARS", 2000),
			patch.object(frappe.db, "sql", wraps=frappe.db.sql) as sql,
		):
			self.assertEqual(bulk_insert_customers(rows), COUNT)
		self.assertGreaterEqual(insert_statements(sql.call_args_list, "Customer Account"), 5)
		self.assertEqual(frappe.db.count("Customer Account", {"name": ("in", names)}), COUNT)
		self.assertEqual(frappe.db.count("Phone Number Index", {"customer": ("in", names)}), 2 * COUNT)
		self.assertEqual(
			frappe.db.count("Customer Ownership Log", {"customer": ("in", names), "action": "Import"}), COUNT
		)

	def test_one_statement_per_table_and_chunk_when_rows_are_small(self):
		with patch.object(frappe.db, "sql", wraps=frappe.db.sql) as sql:
			bulk_insert_customers(generated(2), chunk_size=10)
		for doctype in ("Customer Account", "Phone Number Index", "Customer Ownership Log"):
			self.assertEqual(insert_statements(sql.call_args_list, doctype), COUNT // 10, doctype)

	def test_masked_copies_stamps_and_unique_name_key_are_filled(self):
		frappe.db.set_single_value("CRM Suite Settings", "mask_phone_numbers", 1)
		frappe.db.set_single_value("CRM Suite Settings", "duplicate_name_policy", "Ban")
		rows = generated(3)
		bulk_insert_customers(rows)
		stored = frappe.db.get_value(
			"Customer Account",
			rows[0]["name"],
			["mobile_no_masked", "phone_masked", "name_key_unique", "owner", "docstatus", "creation"],
			as_dict=True,
		)
		self.assertEqual(stored.mobile_no_masked, mask_phone(rows[0]["mobile_no"]))
		self.assertEqual(stored.phone_masked, mask_phone(rows[0]["phone"]))
		self.assertNotEqual(stored.mobile_no_masked, rows[0]["mobile_no"])
		self.assertEqual(stored.name_key_unique, rows[0]["name_key"])
		self.assertEqual((stored.owner, stored.docstatus), ("Administrator", 0))
		# the generator's own creation date is kept, not the time of the write
		self.assertEqual(stored.creation, rows[0]["creation"])

	def test_without_masking_or_ban_the_copies_hold_full_numbers_and_no_unique_key(self):
		frappe.db.set_single_value("CRM Suite Settings", "mask_phone_numbers", 0)
		frappe.db.set_single_value("CRM Suite Settings", "duplicate_name_policy", "Warn")
		rows = generated(4)
		bulk_insert_customers(rows)
		stored = frappe.db.get_value(
			"Customer Account", rows[0]["name"], ["mobile_no_masked", "name_key_unique"], as_dict=True
		)
		self.assertEqual(stored.mobile_no_masked, rows[0]["mobile_no"])
		self.assertIsNone(stored.name_key_unique)
