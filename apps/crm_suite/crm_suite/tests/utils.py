"""Test helpers for the Frappe layer: a base class, factories and the before_tests hook."""

import frappe
from frappe.tests.utils import FrappeTestCase

from crm_suite.demo.load import ensure_department, ensure_position, ensure_staff, ensure_user
from crm_suite.install import seed_defaults
from crm_suite.permissions.fieldlevel import apply_backport
from crm_suite.permissions.scope import clear_scope_cache

TEST_DOMAIN = "crm-suite.test"


def before_tests():
	apply_backport()  # as before every request and job (hooks.py)
	frappe.clear_cache()
	seed_defaults()
	frappe.db.commit()


class CRMTestCase(FrappeTestCase):
	"""Each test runs in its own savepoint-free transaction and is rolled back afterwards."""

	def setUp(self):
		super().setUp()
		clear_scope_cache()
		frappe.db.value_cache.clear()

	def run_as(self, user, report, **filters):
		"""A script report's `execute(filters)` as `user` (the report applies the row scope itself)."""
		frappe.set_user(user)
		try:
			return report.execute(filters)
		finally:
			frappe.set_user("Administrator")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		# rollback does not reach the per-connection cache of single values (settings) or Redis
		frappe.db.value_cache.clear()
		clear_scope_cache()
		super().tearDown()


def make_user(local: str, roles: list[str]) -> str:
	return ensure_user(f"{local}@{TEST_DOMAIN}", local, roles, language=None, password=None)


make_department = ensure_department
make_position = ensure_position
make_staff = ensure_staff


def make_customer(**values) -> "frappe.model.document.Document":
	values.setdefault("customer_name", f"测试{frappe.generate_hash(length=8)}有限公司")
	values.setdefault("website", "https://example.cn")
	return frappe.get_doc({"doctype": "Customer Account", **values}).insert(ignore_permissions=True)


def make_sales_team() -> dict:
	"""A manager over two teams, one salesperson in each, and a CRM admin: the ORG-03 matrix users.

	Idempotent and committed once per run (users are slow to create); tests change it only inside their
	own rolled-back transaction."""
	make_department("测试销售部")
	make_department("测试一组", "测试销售部")
	make_department("测试二组", "测试销售部")
	make_department("其他部门")
	team = {
		"manager": make_user("manager", ["CRM Manager"]),
		"sales_a": make_user("sales_a", ["CRM Salesperson"]),
		"sales_b": make_user("sales_b", ["CRM Salesperson"]),
		"outsider": make_user("outsider", ["CRM Salesperson"]),
		"admin": make_user("crm_admin", ["CRM Admin"]),
	}
	make_staff(team["manager"], make_position("经理", "测试销售部", manages=True))
	make_staff(team["sales_a"], make_position("销售", "测试一组"))
	make_staff(team["sales_b"], make_position("销售", "测试二组"))
	make_staff(team["outsider"], make_position("销售", "其他部门"))
	frappe.db.commit()
	clear_scope_cache()
	return team


def add_customer_fields(*fields: tuple[str, str, str]):
	"""Custom Fields on Customer Account, made the way an admin makes them, as (fieldname, label, fieldtype).
	They change the table (DDL commits): tests make them once per class and drop them afterwards."""
	for fieldname, label, fieldtype in fields:
		if not frappe.db.exists("Custom Field", {"dt": "Customer Account", "fieldname": fieldname}):
			frappe.get_doc(
				{
					"doctype": "Custom Field",
					"dt": "Customer Account",
					"fieldname": fieldname,
					"label": label,
					"fieldtype": fieldtype,
					"insert_after": "website",
				}
			).insert(ignore_permissions=True)
	frappe.db.commit()


def drop_customer_fields(*fieldnames: str):
	for fieldname in fieldnames:
		name = frappe.db.get_value("Custom Field", {"dt": "Customer Account", "fieldname": fieldname})
		if name:
			frappe.delete_doc("Custom Field", name, ignore_permissions=True)
	frappe.db.commit()
	frappe.clear_cache(doctype="Customer Account")


def listed_and_readable(doctype: str, name: str, user: str) -> tuple[bool, bool]:
	"""(in the user's list view, readable by name) for one document: the two sides of row scope (ORG-03)."""
	frappe.set_user(user)
	try:
		listed = bool(frappe.get_list(doctype, filters={"name": name}, pluck="name"))
		readable = frappe.has_permission(doctype, "read", doc=name, user=user)
	finally:
		frappe.set_user("Administrator")
	return listed, readable


def set_counted(doctype: str, names: str | list[str], values: dict) -> None:
	"""`frappe.db.set_value` on follow-ups, call logs or customers that keeps what counts them in step — the
	daily rollups (RPT-02, RPT-07), the follow-ups' month reach, the customers held per salesperson and type
	(RPT-11) — as the app's own set-based writers do: the rows counted out, the update, the rows counted in."""
	from functools import partial

	from crm_suite.services import activity_rollup, holding_rollup, reach_rollup

	names = [names] if isinstance(names, str) else list(names)
	counters = []
	if doctype in activity_rollup.ROLLUPS:
		rollup = activity_rollup.ROLLUPS[doctype]
		counters.append((partial(activity_rollup.remove, rollup), partial(activity_rollup.add, rollup)))
	if doctype == activity_rollup.FOLLOW_UPS.source:
		counters.append((reach_rollup.remove, reach_rollup.add))
	if doctype == holding_rollup.SOURCE:
		counters.append((holding_rollup.remove, holding_rollup.add))
	for remove, _add in counters:
		remove(names)
	for name in names:
		frappe.db.set_value(doctype, name, values)
	for _remove, add in counters:
		add(names)
