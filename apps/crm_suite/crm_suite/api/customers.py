"""Customer import and export endpoints for Desk (SPEC CUS-07)."""

import json

import frappe
from frappe import _
from frappe.core.doctype.access_log.access_log import make_access_log
from frappe.utils import now_datetime

from crm_suite.services.customer_export import build_export
from crm_suite.services.customer_fields import CUSTOMER
from crm_suite.services.customer_import.job import BATCH, enqueue_import
from crm_suite.services.customer_import.template import build_template
from crm_suite.services.inputs import parse_filters


def _send_xlsx(content: bytes, title: str):
	frappe.response["filename"] = f"{title}-{now_datetime():%Y%m%d-%H%M}.xlsx"
	frappe.response["filecontent"] = content
	frappe.response["type"] = "binary"


@frappe.whitelist(methods=["GET", "POST"])
def download_import_template():
	frappe.has_permission(CUSTOMER, "import", throw=True)
	_send_xlsx(build_template(), _("Customer Import Template"))


@frappe.whitelist(methods=["POST"])
def import_customers(
	import_file: str,
	import_mode: str = "All or nothing",
	salesperson: str | None = None,
	customer_pool: str | None = None,
) -> str:
	"""Record a batch for an uploaded file and start its background import; returns the batch name."""
	frappe.has_permission(CUSTOMER, "import", throw=True)
	batch = frappe.get_doc(
		{
			"doctype": BATCH,
			"import_file": import_file,
			"import_mode": import_mode,
			"salesperson": salesperson or None,
			"customer_pool": customer_pool or None,
		}
	).insert()
	enqueue_import(batch.name)
	return batch.name


@frappe.whitelist(methods=["POST"])
def start_customer_import(batch: str) -> str:
	frappe.has_permission(CUSTOMER, "import", throw=True)
	doc = frappe.get_doc(BATCH, batch)
	doc.check_permission("write")
	if doc.status not in ("Pending", "Failed"):
		frappe.throw(
			_("This import has already run or is running ({0}).").format(_(doc.status)),
			frappe.ValidationError,
			title=_("Import Running"),
		)
	enqueue_import(doc.name)
	return doc.name


@frappe.whitelist(methods=["GET", "POST"])
@frappe.read_only()
def export_customers(filters: str | list | dict | None = None):
	"""The customers the user sees in the list (same filters, same row scope), as Excel; read from the
	replica when the site has one (issue 17), the access log written on the primary."""
	frappe.has_permission(CUSTOMER, "export", throw=True)
	filters = parse_filters(filters)
	content = build_export(filters)
	make_access_log(doctype=CUSTOMER, file_type="Excel", filters=json.dumps(filters or []))
	_send_xlsx(content, _("Customers"))
