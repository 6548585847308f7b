"""Write demo data into a site: organisation, demo users and customers in bulk (used by set-up,
tests and benchmarks). `bench --site S execute crm_suite.demo.load.load_demo --kwargs "{'customers': 1000}"`.
"""

import time
from collections.abc import Iterable
from operator import itemgetter

import frappe

from crm_suite.demo.generator import customer_rows, phone_key
from crm_suite.install import DEFAULT_POOL, ROOT_DEPARTMENT
from crm_suite.permissions.scope import clear_scope_cache
from crm_suite.services.bulk import IndexedPhone, NewCustomer, insert_customers, refresh_statistics

DEMO_PASSWORD = "Demo@2026"
DEMO_DOMAIN = "crm-suite.demo"
DEMO_COMPANY = "华联演示科技有限公司"
# What a Chinese team's admin answers in Frappe's setup wizard (its own field names).
SETUP_WIZARD_ANSWERS = {
	"language": "简体中文",
	"lang": "简体中文",
	"country": "China",
	"timezone": "Asia/Shanghai",
	"currency": "CNY",
	"company_name": DEMO_COMPANY,
}
DEPARTMENTS = [
	# name, parent
	("华北销售部", ROOT_DEPARTMENT),
	("华北一组", "华北销售部"),
	("华北二组", "华北销售部"),
	("华东销售部", ROOT_DEPARTMENT),
	("华东一组", "华东销售部"),
]
# What a person fills in for a customer (the import template's business columns, in its order).
ENTRY_COLUMNS = (
	"customer_name",
	"short_name",
	"customer_category",
	"customer_kind",
	"customer_source",
	"industry",
	"province",
	"city",
	"customer_value",
	"contact_person",
	"mobile_no",
	"phone",
	"website",
	"address",
	"postcode",
)
CUSTOMER_COLUMNS = (
	"name",
	"naming_series",
	*ENTRY_COLUMNS,
	"stars",
	"is_target",
	"salesperson",
	"sales_department",
	"customer_pool",
	"lifecycle_state",
	"claimed_on",
	"last_contact_on",
	"deal_on",
	"name_key",
	"name_pinyin",
	"name_initials",
	"creation",
	"modified",
)


# Set in the site's config by the loader: only such a site has demo data and demo logins (ORG-01).
DEMO_SITE_FLAG = "crm_suite_demo_data"


def mark_demo_site():
	from frappe.installer import update_site_config

	if not frappe.conf.get(DEMO_SITE_FLAG):
		update_site_config(DEMO_SITE_FLAG, 1)
		frappe.local.conf[DEMO_SITE_FLAG] = 1


def is_demo_site() -> bool:
	return bool(frappe.conf.get(DEMO_SITE_FLAG))


def demo_user(local: str) -> str:
	return f"{local}@{DEMO_DOMAIN}"


def ensure_user(
	email: str,
	first_name: str,
	roles: list[str],
	language: str | None = "zh",
	password: str | None = DEMO_PASSWORD,
) -> str:
	"""A user with these roles (kept if it exists); demo users speak Chinese and share the demo password, the
	Frappe-layer tests' users pass None for both."""
	if frappe.db.exists("User", email):
		return email
	# Frappe throttles user sign-ups (60 an hour): the demo's 300 salespeople are let through by raising
	# the limit for this insert — not by `in_import`, which would also skip the doctype's defaults and
	# leave the user disabled.
	conf = frappe.local.conf
	limit = conf.get("throttle_user_limit")
	conf["throttle_user_limit"] = 10**9
	try:
		_insert_user(email, first_name, roles, language, password)
	finally:
		if limit is None:
			conf.pop("throttle_user_limit", None)
		else:
			conf["throttle_user_limit"] = limit
	return email


def _insert_user(email: str, first_name: str, roles: list[str], language: str | None, password: str | None):
	values = {"language": language, "new_password": password}
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": first_name,
			"send_welcome_email": 0,
			"roles": [{"role": r} for r in roles],
			**{k: v for k, v in values.items() if v},
		}
	)
	user.flags.no_welcome_mail = True
	user.insert(ignore_permissions=True)


def ensure_department(name: str, parent: str = "All Departments") -> str:
	"""A Sales Department group (kept if it exists): demo data and the Frappe-layer tests build on these."""
	if not frappe.db.exists("Sales Department", name):
		frappe.get_doc(
			{
				"doctype": "Sales Department",
				"department_name": name,
				"parent_sales_department": parent,
				"is_group": 1,
			}
		).insert(ignore_permissions=True)
	return name


def ensure_position(name: str, department: str, manages: bool = False, roles: list[str] | None = None) -> str:
	existing = frappe.db.get_value("Sales Position", {"position_name": name, "sales_department": department})
	if existing:
		return existing
	doc = frappe.get_doc(
		{
			"doctype": "Sales Position",
			"position_name": name,
			"sales_department": department,
			"manages_subordinates": int(manages),
			"roles": [{"role": r} for r in roles or ()],
		}
	).insert(ignore_permissions=True)
	return doc.name


def ensure_staff(user: str, position: str | None) -> str:
	if not frappe.db.exists("Sales Staff", user):
		frappe.get_doc({"doctype": "Sales Staff", "user": user, "sales_position": position}).insert(
			ignore_permissions=True
		)
	return user


def make_demo_org(extra_salespeople: int = 0) -> dict:
	"""Departments, positions and the demo logins: a manager of 华北销售部 and salespeople in its teams.
	Marks the site as a demo site first (see DEMO_SITE_FLAG)."""
	mark_demo_site()
	for name, parent in DEPARTMENTS:
		ensure_department(name, parent)
	manager_pos = ensure_position("销售经理", "华北销售部", 1, ["CRM Manager"])
	team_pos = {
		d: ensure_position("销售代表", d, 0, ["CRM Salesperson"])
		for d in ("华北一组", "华北二组", "华东一组")
	}
	manager = ensure_user(demo_user("manager"), "王经理", ["CRM Manager"])
	ensure_staff(manager, manager_pos)
	sales = [
		(ensure_user(demo_user("sales1"), "李销售", ["CRM Salesperson"]), "华北一组"),
		(ensure_user(demo_user("sales2"), "张销售", ["CRM Salesperson"]), "华北二组"),
	]
	for i in range(extra_salespeople):
		dept = ("华北一组", "华北二组", "华东一组")[i % 3]
		sales.append(
			(ensure_user(demo_user(f"rep{i + 1:03d}"), f"销售{i + 1:03d}", ["CRM Salesperson"]), dept)
		)
	for user, dept in sales:
		ensure_staff(user, team_pos[dept])
	# the README's CRM Admin: customises the suite with no code and without System Manager
	admin = ensure_user(demo_user("admin"), "系统管理员", ["CRM Admin"])
	clear_scope_cache()
	return {"admin": admin, "manager": manager, "salespeople": [u for u, _ in sales]}


def bulk_insert_customers(
	rows: Iterable[dict], chunk_size: int = 5000, commit_each_chunk: bool = False
) -> int:
	"""Generated customer rows written as the import writes its rows (services/bulk.py): with their
	phone-index rows and one 'Import' log row each."""

	values = itemgetter(*CUSTOMER_COLUMNS)

	def new_customers():
		for r in rows:
			phones = []
			for field, kind in (("mobile_no", "Mobile"), ("phone", "Fixed Line")):
				key = phone_key(r[field])
				phones.append(IndexedPhone(field, r[field], key, key[3:], None, kind))
			yield NewCustomer(values(r), phones, r["salesperson"], r["customer_pool"])

	# committing each chunk keeps the undo log small at million-row scale
	return insert_customers(
		CUSTOMER_COLUMNS,
		new_customers(),
		chunk_size=chunk_size,
		after_chunk=(lambda _done: frappe.db.commit()) if commit_each_chunk else None,
	)


def _bump_series(prefix: str, value: int):
	frappe.db.sql(
		"insert into `tabSeries` (`name`, `current`) values (%s, %s) on duplicate key update `current` = greatest(`current`, %s)",
		(prefix, value, value),
	)


def load_customers(
	count: int,
	seed: int = 42,
	start: int | None = None,
	salespeople: list[str] | None = None,
	commit: bool = True,
) -> dict:
	"""Append `count` demo customers after those already there; returns timing figures."""
	if start is None:
		start = frappe.db.count("Customer Account", {"naming_series": "CUS-.YYYY.-.#####"})
	if salespeople is None:
		salespeople = frappe.get_all(
			"Sales Staff", filters={"enabled": 1, "manages_subordinates": 0}, pluck="user"
		)
	departments = dict(frappe.get_all("Sales Staff", fields=["user", "sales_department"], as_list=True))
	owners = [(u, departments.get(u)) for u in salespeople]
	began = time.perf_counter()
	inserted = bulk_insert_customers(
		customer_rows(count, seed=seed, salespeople=owners, pool=DEFAULT_POOL, start=start),
		commit_each_chunk=commit,
	)
	_bump_series("CUS-2026-", start + count)
	if commit:
		frappe.db.commit()
		refresh_statistics("Customer Account", "Customer Holding")
	seconds = time.perf_counter() - began
	return {
		"inserted": inserted,
		"seconds": seconds,
		"rows_per_second": inserted / seconds if seconds else None,
	}


def complete_setup_wizard(answers: dict | None = None) -> bool:
	"""The setup wizard as a new site's admin completes it (Frappe's own `setup_complete`, with the app's
	`setup_wizard_complete` hook): without it the Desk sends every user to the wizard, which only a System
	Manager may open. Returns False when the site was set up already."""
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	if frappe.db.get_single_value("System Settings", "setup_complete"):
		return False
	result = setup_complete({**SETUP_WIZARD_ANSWERS, **(answers or {})})
	if (result or {}).get("status") != "ok":
		frappe.throw(f"setup wizard did not complete: {result}")
	return True


def load_demo(customers: int = 1000, seed: int = 42, extra_salespeople: int = 0) -> dict:
	"""A demo site as scripts/setup.sh leaves it: set up for a Chinese team, organisation, logins, customers."""
	complete_setup_wizard()
	org = make_demo_org(extra_salespeople=extra_salespeople)
	frappe.db.commit()
	result = load_customers(customers, seed=seed)
	print(f"demo data: {result['inserted']} customers in {result['seconds']:.1f}s")
	opportunities = load_opportunities(per_salesperson=8, seed=seed)
	ensure_demo_targets(org["salespeople"])
	print(
		f"demo data: {opportunities['opportunities']} opportunities, {opportunities['history']} stage moves"
	)
	from crm_suite.demo.sales_orders import load_sales_demo

	sales = load_sales_demo()
	from crm_suite.demo.visit_plans import load_visit_plans  # FUP-03

	result["visit_plans"] = load_visit_plans(org["salespeople"])
	from crm_suite.demo.sales_money import load_money_demo  # SALE-05, SALE-06

	result["sales_money"] = load_money_demo(commit=False)
	from crm_suite.demo.loyalty import load_loyalty_demo  # SALE-08, SALE-11

	result["loyalty"] = load_loyalty_demo(commit=False)
	frappe.db.commit()
	return {**org, **result, **opportunities, "sales_orders": sales}


def ensure_demo_targets(salespeople: list[str], months: int = 3) -> None:
	"""Monthly deal targets (SPEC SALE-10) for the demo salespeople: this month and the ones before."""
	first = frappe.utils.get_first_day(frappe.utils.nowdate())
	for back in range(months):
		month = frappe.utils.add_months(first, -back)
		for user in salespeople:
			if not frappe.db.exists("Sales Target", {"salesperson": user, "target_month": month}):
				frappe.get_doc(
					{
						"doctype": "Sales Target",
						"salesperson": user,
						"target_month": month,
						"planned_amount": 600_000,
						"planned_count": 3,
					}
				).insert(ignore_permissions=True)
	frappe.db.commit()


def load_opportunities(
	per_salesperson: int = 8,
	seed: int = 42,
	salespeople: list[str] | None = None,
	count: int | None = None,
	revisit_rate: float = 0.2,
	commit: bool = True,
) -> dict:
	"""Demo opportunities (SPEC SALE-01) on the salespeople's own customers, in the default process, with their
	stage history: `per_salesperson` each, or `count` spread over them. Appends after those already there."""
	if salespeople is None:
		salespeople = frappe.get_all(
			"Sales Staff", filters={"enabled": 1, "manages_subordinates": 0}, pluck="user"
		)
	departments = dict(frappe.get_all("Sales Staff", fields=["user", "sales_department"], as_list=True))
	customers = []
	for user in salespeople:
		owned = frappe.get_all(
			"Customer Account",
			filters={"salesperson": user},
			fields=["name", "customer_name"],
			limit=per_salesperson,
			order_by="name asc",
			as_list=True,
		)
		customers += [(name, title, user, departments.get(user)) for name, title in owned]
	return write_opportunities(customers, count or len(customers), seed, revisit_rate, commit)


def write_opportunities(
	pairs: list[tuple], count: int, seed: int, revisit_rate: float, commit: bool = True
) -> dict:
	"""`count` opportunities with their stage history, in the default process, on (customer, customer name,
	salesperson, department) `pairs` taken in turn, through the one bulk writer (services/sales/bulk.py);
	appended after those already there. Shared by the demo loader and the sales benchmark."""
	from crm_suite.demo.sales_generator import ProcessStage, opportunity_rows
	from crm_suite.services.sales.bulk import bump_series, insert_opportunities, next_series_start
	from crm_suite.services.sales.stages import default_process, load_stages

	process = default_process()
	if not process or not pairs:
		return {"opportunities": 0, "history": 0}
	stages = [ProcessStage(s.name, s.probability, s.end_kind) for s in load_stages(process)]
	reasons = frappe.get_all("Deal Loss Reason", filters={"enabled": 1}, pluck="name", order_by="name asc")
	now = frappe.utils.now_datetime()
	start = next_series_start(now.year)
	began = time.perf_counter()
	made, history = insert_opportunities(
		opportunity_rows(
			pairs, process, stages, reasons, count, now, seed=seed, start=start, revisit_rate=revisit_rate
		),
		after_chunk=(lambda _done: frappe.db.commit()) if commit else None,
	)
	bump_series(now.year, start + made)
	if commit:
		frappe.db.commit()
		refresh_statistics("Sales Opportunity", "Opportunity Stage Log", "Opportunity Holding")
	return {"opportunities": made, "history": history, "opportunity_seconds": time.perf_counter() - began}
