"""The customer's 360° connections (SPEC CUS-05): every app doctype that links to Customer Account
through a `customer` field appears here by itself, grouped by module, as later modules (follow-ups,
sales, calls, service …) add theirs."""

import frappe
from frappe import _

from crm_suite.services.modules import connections


def get_data(data=None):
	field = frappe.qb.DocType("DocField")
	doctype = frappe.qb.DocType("DocType")
	modules = frappe.get_module_list("crm_suite")
	rows = (
		frappe.qb.from_(field)
		.join(doctype)
		.on(doctype.name == field.parent)
		.select(field.parent, doctype.module)
		.where(
			(field.fieldtype == "Link")
			& (field.options == "Customer Account")
			& (field.fieldname == "customer")
			& (doctype.istable == 0)
			& (doctype.issingle == 0)
			& doctype.module.isin(modules)
			& (field.parent != "Phone Number Index")
		)
		.orderby(doctype.module)
		.orderby(field.parent)
		.run()
	)
	groups: dict[str, list[str]] = {}
	for parent, module in rows:
		groups.setdefault(module, []).append(parent)
	groups = connections(groups)  # without the modules switched off (ORG-04)
	return {
		"fieldname": "customer",
		"transactions": [{"label": _(module), "items": items} for module, items in groups.items()],
	}


def connection_counts(customer: str, doctypes: list[str]) -> dict[str, int]:
	"""How many documents of each connection doctype link to the customer, as Frappe's dashboard counts them
	(`frappe.desk.notifications.get_doc_count`: distinct names, at most 100, no row scope) — in one query rather
	than one per doctype (issue 19)."""
	if not doctypes:
		return {}
	parts, values = [], []
	for doctype in doctypes:
		parts.append(
			f"(select %s as doctype, count(*) as total from "
			f"(select distinct `name` from `tab{doctype}` where `customer` = %s limit 100) as linked)"
		)
		values += [doctype, customer]
	return dict(frappe.db.sql(" union all ".join(parts), values))
