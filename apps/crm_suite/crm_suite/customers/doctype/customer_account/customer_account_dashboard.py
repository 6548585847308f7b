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
