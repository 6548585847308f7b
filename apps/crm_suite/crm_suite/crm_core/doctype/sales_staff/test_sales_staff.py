"""Organisation and row scope (SPEC ORG-01, ORG-03): who sees which customer."""

import frappe

from crm_suite.permissions.scope import visible_users
from crm_suite.tests.utils import (
	TEST_DOMAIN,
	CRMTestCase,
	make_customer,
	make_department,
	make_position,
	make_sales_team,
	make_staff,
	make_user,
)


class TestScope(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		t = self.team
		self.own_a = make_customer(salesperson=t["sales_a"]).name
		self.own_b = make_customer(salesperson=t["sales_b"]).name
		self.own_outsider = make_customer(salesperson=t["outsider"]).name
		self.pooled = make_customer(customer_pool="Public Sea").name
		self.shared_with_b = make_customer(salesperson=t["sales_a"]).name
		frappe.share.add_docshare(
			"Customer Account",
			self.shared_with_b,
			t["sales_b"],
			read=1,
			flags={"ignore_share_permission": True},
		)

	def visible(self, user: str) -> set[str]:
		frappe.set_user(user)
		try:
			names = set(frappe.get_list("Customer Account", pluck="name", limit_page_length=0))
		finally:
			frappe.set_user("Administrator")
		return names & {self.own_a, self.own_b, self.own_outsider, self.pooled, self.shared_with_b}

	def test_visible_users(self):
		t = self.team
		self.assertEqual(visible_users(t["sales_a"]), [t["sales_a"]])
		self.assertEqual(set(visible_users(t["manager"])), {t["manager"], t["sales_a"], t["sales_b"]})
		self.assertIsNone(visible_users(t["admin"]))

	def test_list_scope_matrix(self):
		t = self.team
		self.assertEqual(self.visible(t["sales_a"]), {self.own_a, self.pooled, self.shared_with_b})
		self.assertEqual(self.visible(t["sales_b"]), {self.own_b, self.pooled, self.shared_with_b})
		self.assertEqual(
			self.visible(t["manager"]), {self.own_a, self.own_b, self.pooled, self.shared_with_b}
		)
		self.assertEqual(
			self.visible(t["admin"]),
			{self.own_a, self.own_b, self.own_outsider, self.pooled, self.shared_with_b},
		)

	def test_form_scope(self):
		t = self.team
		self.assertTrue(frappe.has_permission("Customer Account", "read", self.own_a, user=t["sales_a"]))
		self.assertFalse(frappe.has_permission("Customer Account", "read", self.own_b, user=t["sales_a"]))
		self.assertTrue(frappe.has_permission("Customer Account", "read", self.pooled, user=t["sales_a"]))
		self.assertFalse(frappe.has_permission("Customer Account", "write", self.pooled, user=t["sales_a"]))
		self.assertTrue(
			frappe.has_permission("Customer Account", "read", self.shared_with_b, user=t["sales_b"])
		)
		self.assertTrue(frappe.has_permission("Customer Account", "write", self.own_b, user=t["manager"]))
		self.assertFalse(
			frappe.has_permission("Customer Account", "read", self.own_outsider, user=t["manager"])
		)

	def test_scope_cache_follows_organisation_changes(self):
		t = self.team
		self.assertNotIn(t["outsider"], visible_users(t["manager"]))
		staff = frappe.get_doc("Sales Staff", t["outsider"])
		staff.sales_position = make_position("高级销售", "测试二组")
		staff.save()
		self.assertIn(t["outsider"], visible_users(t["manager"]))

	def test_deleting_a_position_leaves_its_users_unassigned(self):
		t = self.team
		position = frappe.db.get_value("Sales Staff", t["sales_b"], "sales_position")
		frappe.delete_doc("Sales Position", position)
		staff = frappe.get_doc("Sales Staff", t["sales_b"])
		self.assertFalse(staff.sales_position)
		self.assertFalse(staff.sales_department)
		self.assertEqual(visible_users(t["sales_b"]), [t["sales_b"]])
		self.assertNotIn(t["sales_b"], visible_users(t["manager"]))


class TestLandingWorkspace(CRMTestCase):
	"""Salespeople open the Desk on My Day (issue 16), managers on Customers (issue 11), unless they chose
	another workspace."""

	def test_salespeople_land_on_my_day_managers_on_customers_and_a_chosen_workspace_is_kept(self):
		team = make_sales_team()
		self.assertEqual(frappe.db.get_value("User", team["sales_a"], "default_workspace"), "My Day")
		self.assertEqual(frappe.db.get_value("User", team["manager"], "default_workspace"), "Customers")
		frappe.db.set_value("User", team["sales_b"], "default_workspace", "Pools")
		frappe.get_doc("Sales Staff", team["sales_b"]).save()
		self.assertEqual(frappe.db.get_value("User", team["sales_b"], "default_workspace"), "Pools")

	def test_the_patch_moves_salespeople_the_app_had_sent_to_customers_only(self):
		from crm_suite.patches.v1_0 import salespeople_land_on_my_day

		team = make_sales_team()
		# as the app set it before issue 16 (no Version: no person chose it)
		frappe.db.set_value("User", team["sales_a"], "default_workspace", "Customers")
		# a salesperson who chose Customers in their settings (the User form keeps a Version of it)
		frappe.db.set_value("User", team["sales_b"], "default_workspace", None)
		chooser = frappe.get_doc("User", team["sales_b"])
		chooser.default_workspace = "Customers"
		chooser.save(ignore_permissions=True, ignore_version=False)  # tests skip Versions unless asked
		frappe.db.set_value("User", team["manager"], "default_workspace", None)
		salespeople_land_on_my_day.execute()
		landing = {
			user: frappe.db.get_value("User", user, "default_workspace")
			for user in (team["sales_a"], team["sales_b"], team["manager"])
		}
		self.assertEqual(
			landing, {team["sales_a"]: "My Day", team["sales_b"]: "Customers", team["manager"]: None}
		)


class TestPositionRolesEscalation(CRMTestCase):
	"""Issue 12 item 2 (SPEC ORG-02): a CRM Admin cannot make itself System Manager through a position."""

	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		make_department("提权测试部")

	def test_crm_admin_cannot_map_system_manager_to_a_position(self):
		frappe.set_user(self.team["admin"])
		position = frappe.get_doc(
			{
				"doctype": "Sales Position",
				"position_name": "提权",
				"sales_department": "提权测试部",
				"roles": [{"role": "System Manager"}],
			}
		)
		self.assertRaises(frappe.PermissionError, position.insert)

	def test_crm_admin_may_map_the_sales_roles(self):
		frappe.set_user(self.team["admin"])
		roles = [{"role": "CRM Salesperson"}, {"role": "CRM Manager"}, {"role": "CRM Admin"}]
		position = frappe.get_doc(
			{
				"doctype": "Sales Position",
				"position_name": "代表",
				"sales_department": "提权测试部",
				"roles": roles,
			}
		).insert()
		self.assertEqual(len(position.roles), 3)

	def test_staff_row_saved_by_crm_admin_does_not_grant_a_system_managers_high_position(self):
		position = make_position("高权限", "提权测试部", roles=["System Manager"])  # mapped as Administrator
		admin = self.team["admin"]
		frappe.set_user(admin)
		staff = frappe.get_doc("Sales Staff", admin) if frappe.db.exists("Sales Staff", admin) else None
		staff = staff or frappe.get_doc({"doctype": "Sales Staff", "user": admin})
		staff.sales_position = position
		self.assertRaises(frappe.PermissionError, staff.save)
		frappe.set_user("Administrator")
		self.assertNotIn("System Manager", frappe.get_roles(admin))

	def test_administrator_still_grants_any_mapped_role(self):
		position = make_position("高权限", "提权测试部", roles=["CRM Admin"])
		make_staff(make_user("escalation_ok", []), position)
		self.assertIn("CRM Admin", frappe.get_roles(f"escalation_ok@{TEST_DOMAIN}"))
