"""A Custom Field added to a suite doctype (as Customize Form adds one) leaves the suite's indexes in place
(services/indexes.py): Frappe's schema sync used to drop every one-column index on a non-search_index column."""

import frappe
from frappe.tests.utils import FrappeTestCase

from crm_suite.services.indexes import index_columns

KEPT = {
	"Customer Account": ["name_pinyin", "name_initials", "pending_mark", "protected_until"],
	"Visit Plan": ["planned_date"],
	"Follow Up Record": ["followed_on"],
	"Follow Up Reminder": ["customer"],
	"Customer Order": ["transaction_date"],
	"Customer Points Entry": ["posted_on"],
}
# indexes of two or more columns, which Frappe's sync leaves alone: the reports' covering period indexes (issue 17)
COVERING = {
	"Customer Account": {"deal_report_index": ["deal_on", "salesperson"]},
	"Sales Opportunity": {"won_report_index": ["status", "deal_date", "salesperson", "expected_amount"]},
	"Opportunity Stage Log": {
		"stage_days_by_owner": [
			"sales_process",
			"salesperson",
			"opportunity_created",
			"from_stage",
			"days_in_previous_stage",
		]
	},
}
PROBE = "crm_index_probe"


class TestIndexesOutliveCustomFields(FrappeTestCase):
	def tearDown(self):
		for name in frappe.get_all("Custom Field", filters={"fieldname": PROBE}, pluck="name"):
			frappe.delete_doc("Custom Field", name, force=True)
		frappe.db.commit()

	def assert_kept(self, moment: str):
		for doctype, columns in KEPT.items():
			for column in columns:
				self.assertEqual(
					index_columns(f"tab{doctype}", f"{column}_index"),
					[column, "name"],
					f"{doctype}.{column}_index {moment}",
				)
		for doctype, indexes in COVERING.items():
			for index_name, columns in indexes.items():
				self.assertEqual(
					index_columns(f"tab{doctype}", index_name), columns, f"{index_name} {moment}"
				)

	def test_a_custom_field_added_and_removed_leaves_the_indexes(self):
		self.assert_kept("before")
		for doctype in {**KEPT, **COVERING}:
			frappe.get_doc(
				{
					"doctype": "Custom Field",
					"dt": doctype,
					"fieldname": PROBE,
					"label": "Index Probe",
					"fieldtype": "Data",
					"insert_after": frappe.get_meta(doctype).fields[0].fieldname,
				}
			).insert()
			self.assertTrue(frappe.db.has_column(doctype, PROBE))
		self.assert_kept("after a Custom Field was added")
		self.tearDown()
		self.assert_kept("after the Custom Field was removed")
