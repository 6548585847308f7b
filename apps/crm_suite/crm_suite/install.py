"""Install hooks: roles and editable defaults, seeded idempotently (also run by a patch on migrate)."""

import frappe
from frappe import _

from crm_suite.demo.china import PROVINCES
from crm_suite.permissions.customization import clear_cache as clear_customization_cache
from crm_suite.permissions.customization import grant_admin_rights
from crm_suite.policies.masters import INDUSTRIES, SOURCES
from crm_suite.services.onboarding import sync_steps as sync_onboarding_steps

ROLES = {
	"CRM Salesperson": {"desk_access": 1},
	"CRM Manager": {"desk_access": 1},
	"CRM Admin": {"desk_access": 1},
	# The caller-ID bridge's device user: API only, no Desk.
	"Caller ID Device": {"desk_access": 0},
	# Field engineers (SPEC SVC-03): the work orders dispatched to them, nothing of the sales side.
	"CRM Service Engineer": {"desk_access": 1},
}

CATEGORIES = [
	# name, indicator, colour, icon, blacklist
	("Potential", "gray", "#8D99A6", "users", 0),
	("Intention", "blue", "#2490EF", "star", 0),
	("Key", "orange", "#F8814F", "crown", 0),
	("Deal", "green", "#29CD42", "check", 0),
	("Blacklist", "red", "#E24C4C", "stop", 1),
]
KINDS = [("Deal", 1), ("No Deal", 0)]
DEFAULT_POOL = "Public Sea"
DEFAULT_LEAD_POOL = "Lead Pool"
DEFAULT_STRATEGY = "Default Strategy"
FOLLOW_UP_METHODS = [("Phone", 0), ("Visit", 1), ("WeChat", 0), ("Email", 0), ("SMS", 0), ("Meeting", 1)]
ROOT_DEPARTMENT = "All Departments"
# Products and stock (SPEC SALE-07): master data in Chinese, as the team names it.
PRODUCT_UNITS = ("个", "台", "套", "箱", "件")
ROOT_PRODUCT_CATEGORY = "全部产品"
PRODUCT_CATEGORIES = ("硬件设备", "软件与服务", "耗材配件")
DEFAULT_WAREHOUSE = "总仓"
# Kinds of sales expenses (SPEC SALE-11), editable by admins.
EXPENSE_TYPES = ("差旅费", "招待费", "礼品费", "交通费", "其他")
# The knowledge base's category tree (SPEC SVC-04), editable by managers and admins.
ROOT_KNOWLEDGE_CATEGORY = "全部知识"
KNOWLEDGE_CATEGORIES = ("产品知识", "售前咨询", "售后服务", "常见问题")
# Complaint categories and severities with their handling deadlines in hours (SPEC SVC-02), editable by admins.
COMPLAINT_CATEGORIES = ("产品质量", "服务态度", "交付延迟", "售后维修", "价格费用", "其他")
COMPLAINT_SEVERITIES = (("一般", 72), ("严重", 24), ("紧急", 4))


def after_install():
	seed_defaults()
	grant_admin_rights()


def setup_wizard_complete(args):
	"""Frappe's setup wizard finished: the team's company name (the wizard's `company_name` answer) goes to
	CRM Suite Settings, where envelopes and, later, quotations and contracts print it."""
	company = (args or {}).get("company_name")
	if company:
		frappe.db.set_single_value("CRM Suite Settings", "company_name", company)


def after_migrate():
	"""Migrations add what the app owns and is missing; they never undo an admin's choices (ORG-01)."""
	from crm_suite.customers.contact import make_contact_fields

	make_contact_fields()
	clear_customization_cache()
	grant_admin_rights()
	sync_onboarding_steps()
	ensure_global_search()
	ensure_reminder_indexes()


GLOBAL_SEARCH_SEEDED = "crm_suite_global_search_seeded"


def ensure_global_search():
	"""Customers in the awesome bar's global search, once: added (not reset: Frappe's
	`update_global_search_doctypes` would replace the admin's whole list) on the first install or migrate
	that finds them missing, then remembered, so an admin who removes them later keeps it that way."""
	if frappe.db.get_global(GLOBAL_SEARCH_SEEDED):
		return
	settings = frappe.get_single("Global Search Settings")
	allowed = [row.document_type for row in settings.allowed_in_global_search]
	if "Customer Account" not in allowed:
		row = settings.append("allowed_in_global_search", {"document_type": "Customer Account"})
		settings.allowed_in_global_search.remove(row)
		settings.allowed_in_global_search.insert(0, row)
		for idx, each in enumerate(settings.allowed_in_global_search, 1):
			each.idx = idx
		settings.save(ignore_permissions=True)
	frappe.db.set_global(GLOBAL_SEARCH_SEEDED, 1)


def seed_defaults():
	from crm_suite.customers.contact import make_contact_fields

	ensure_roles()
	make_contact_fields()
	ensure_global_search()
	ensure_masters()
	ensure_regions()
	ensure_settings()
	ensure_call_center_settings()
	ensure_sales_defaults()
	ensure_sales_order_masters()
	ensure_expense_types()
	ensure_knowledge_categories()
	ensure_service_masters()
	ensure_reminder_indexes()


def ensure_sales_defaults():
	"""The default sales process with its Kanban board, and the loss reasons (SPEC SALE-02)."""
	from crm_suite.services.sales.processes import ensure_sales_defaults as seed

	seed()


def ensure_roles():
	for role, props in ROLES.items():
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, **props}).insert(ignore_permissions=True)
		else:
			frappe.db.set_value("Role", role, props)


def _ensure(doctype: str, name: str, **values):
	if not frappe.db.exists(doctype, name):
		meta = frappe.get_meta(doctype)
		key = meta.autoname.split(":", 1)[1]
		frappe.get_doc({"doctype": doctype, key: name, **values}).insert(ignore_permissions=True)


def ensure_masters():
	for order, (name, indicator, colour, icon, blacklist) in enumerate(CATEGORIES):
		_ensure(
			"Customer Category",
			name,
			indicator=indicator,
			color=colour,
			icon=icon,
			is_blacklist=blacklist,
			sort_order=order,
		)
	for name, is_deal in KINDS:
		_ensure("Customer Kind", name, is_deal=is_deal)
	for name in SOURCES:
		_ensure("Customer Source", name)
	for name in INDUSTRIES:
		_ensure("Customer Industry", name)
	_ensure("Customer Pool", DEFAULT_POOL, pool_type="Customer", is_default=1)
	_ensure("Customer Pool", DEFAULT_LEAD_POOL, pool_type="Lead", is_default=1)
	# Zeros mean "no limit": admins tighten the strategy; pools may carry their own.
	_ensure("Pool Strategy", DEFAULT_STRATEGY, is_default=1, max_protected=10, protection_days=30)
	for name, is_visit in FOLLOW_UP_METHODS:
		_ensure("Follow Up Method", name, is_visit=is_visit)
	if not frappe.db.exists("Sales Department", ROOT_DEPARTMENT):
		frappe.get_doc(
			{"doctype": "Sales Department", "department_name": ROOT_DEPARTMENT, "is_group": 1}
		).insert(ignore_permissions=True)


def ensure_regions():
	"""Provinces and their main cities, with area codes and postcodes (SPEC CUS-01, CALL-07)."""
	if frappe.db.exists("Customer Region", "中国"):
		return
	frappe.get_doc(
		{"doctype": "Customer Region", "region_name": "中国", "region_level": "Country", "is_group": 1}
	).insert(ignore_permissions=True)
	for province, cities in PROVINCES.items():
		frappe.get_doc(
			{
				"doctype": "Customer Region",
				"region_name": province,
				"parent_customer_region": "中国",
				"region_level": "Province",
				"is_group": 1,
			}
		).insert(ignore_permissions=True)
		for city, area_code, postcode in cities:
			# Municipalities share their name with their city: keep the record names distinct.
			city_name = city if city + "市" != province else city + "城区"
			frappe.get_doc(
				{
					"doctype": "Customer Region",
					"region_name": city_name,
					"parent_customer_region": province,
					"region_level": "City",
					"area_code": area_code,
					"postcode": postcode,
				}
			).insert(ignore_permissions=True)


def ensure_settings():
	settings = frappe.get_single("CRM Suite Settings")
	if not settings.default_phone_region:
		settings.default_phone_region = "CN"
	settings.save(ignore_permissions=True)


def ensure_call_center_settings():
	"""Store the defaults once so the settings page shows what is in force (SPEC CALL-03, CALL-05)."""
	from crm_suite.services.call_center import SETTINGS_DEFAULTS

	settings = frappe.get_single("Call Center Settings")
	changed = False
	for fieldname, value in SETTINGS_DEFAULTS.items():
		if settings.get(fieldname) in (None, "") and value != "":
			settings.set(fieldname, value)
			changed = True
	if changed or settings.is_new():
		settings.save(ignore_permissions=True)


def ensure_sales_order_masters():
	"""Units, the product category tree and the default warehouse 总仓 (SPEC SALE-07), added when missing."""
	for unit in PRODUCT_UNITS:
		_ensure("Product Unit", unit, enabled=1)
	if not frappe.db.exists("Sales Product Category", ROOT_PRODUCT_CATEGORY):
		frappe.get_doc(
			{"doctype": "Sales Product Category", "category_name": ROOT_PRODUCT_CATEGORY, "is_group": 1}
		).insert(ignore_permissions=True)
	for category in PRODUCT_CATEGORIES:
		_ensure("Sales Product Category", category, parent_sales_product_category=ROOT_PRODUCT_CATEGORY)
	if not frappe.db.exists("Product Warehouse", {"is_default": 1}):
		if frappe.db.exists("Product Warehouse", DEFAULT_WAREHOUSE):
			frappe.db.set_value("Product Warehouse", DEFAULT_WAREHOUSE, "is_default", 1)
		else:
			_ensure("Product Warehouse", DEFAULT_WAREHOUSE, is_default=1, enabled=1)


def ensure_expense_types():
	"""The default kinds of sales expenses (SPEC SALE-11), added when missing."""
	for expense_type in EXPENSE_TYPES:
		_ensure("Sales Expense Type", expense_type, enabled=1)


def ensure_knowledge_categories():
	"""The knowledge base's root and first categories (SPEC SVC-04), added when missing."""
	if not frappe.db.exists("Knowledge Category", ROOT_KNOWLEDGE_CATEGORY):
		frappe.get_doc(
			{"doctype": "Knowledge Category", "category_name": ROOT_KNOWLEDGE_CATEGORY, "is_group": 1}
		).insert(ignore_permissions=True)
	for category in KNOWLEDGE_CATEGORIES:
		_ensure("Knowledge Category", category, parent_knowledge_category=ROOT_KNOWLEDGE_CATEGORY)


def ensure_service_masters():
	"""The default complaint categories and severities (SPEC SVC-02), added when missing."""
	for category in COMPLAINT_CATEGORIES:
		_ensure("Complaint Category", category, enabled=1)
	for severity, hours in COMPLAINT_SEVERITIES:
		_ensure("Complaint Severity", severity, deadline_hours=hours, enabled=1)


def before_uninstall():
	from crm_suite.customers.contact import drop_contact_fields

	drop_contact_fields()
	# Roles are shared with users' records; leave them, but tell the admin what stays behind.
	frappe.msgprint(_("CRM Suite roles are kept so that user records stay valid."))


def ensure_reminder_indexes():
	"""The reminder engine's index on Contact's birthday custom field (SPEC FUP-04)."""
	from crm_suite.services.reminders import ensure_indexes

	ensure_indexes()
