"""Core REST methods that would bypass the row scope (SPEC ORG-03) or phone masking (ORG-06), replaced."""

import json

import frappe
from frappe import _
from frappe.client import get_safe_filters

from crm_suite.policies.spreadsheet import neutralise_csv, neutralise_xlsx
from crm_suite.services.masking import mask_versions


@frappe.whitelist()
@frappe.read_only()
def get_count(
	doctype: str, filters: str | dict | list | None = None, debug: bool = False, cache: bool = False
) -> int:
	"""`frappe.client.get_count` counts with `frappe.db.count`, ignoring permissions: a salesperson could
	count another salesperson's customers by filter. Count through the permission-aware list query instead
	(on the read replica when the site has one, as Frappe's own list counts)."""
	rows = frappe.get_list(
		doctype, filters=get_safe_filters(filters), fields=["count(*) as total"], as_list=True
	)
	return int(rows[0][0]) if rows else 0


@frappe.whitelist()
@frappe.read_only()
def reportview_get():
	"""`frappe.desk.reportview.get` (list, report and Kanban views), except the opportunity board's request for
	every card, which gets a bounded number per stage column (SPEC SALE-02, `services/sales/board.py`)."""
	from frappe.desk import reportview

	from crm_suite.services.sales import board

	if not isinstance(frappe.local.form_dict.get("doctype"), str) or not frappe.local.form_dict.doctype:
		frappe.throw(_("Which document type to list is missing."), frappe.ValidationError)
	if board.is_board_request(frappe.local.form_dict):
		return board.get_board()
	return reportview.get()


@frappe.whitelist()
@frappe.read_only()
def get_open_count(doctype: str, name: str, items: str | list | None = None):
	"""`frappe.desk.notifications.get_open_count`, the form dashboard's connection counts. The customer form's 360°
	view lists some thirty doctypes, which Frappe counts with a query each: here, the ones its dashboard lists
	(the others it is asked for are not counted) in one query, the same figures (CUS-05, issue 19). Other
	doctypes, and connections with open-count filters of a notification config, are Frappe's own."""
	from frappe.desk import notifications

	from crm_suite.customers.doctype.customer_account.customer_account_dashboard import connection_counts

	if doctype != "Customer Account" or frappe.flags.in_migrate or frappe.flags.in_install:
		return notifications.get_open_count(_existing_doctype(doctype), name, items)
	doc = frappe.get_doc(doctype, name)
	doc.check_permission()
	links = doc.meta.get_dashboard_data()
	if (
		links.get("fieldname") != "customer"
		or set((links.get("non_standard_fieldnames") or {}).values()) - {"customer"}
		or any(links.get(key) for key in ("dynamic_links", "internal_links", "internal_and_external_links"))
	):
		return notifications.get_open_count(doctype, name, items)  # a dashboard counted otherwise
	listed = [item for group in links.transactions for item in group.get("items")]
	if items is not None:
		items = frappe.parse_json(items)
		if not isinstance(items, list):
			frappe.throw(_("Invalid request arguments"), frappe.ValidationError)
		listed = [item for item in listed if item in items]
	# counted by Frappe: open counts (a notification config's filters) and doctypes without a table of their own
	frappes = {
		item for item in listed if notifications.get_filters_for(item) or frappe.get_meta(item).is_virtual
	}
	counts = connection_counts(doc.name, [item for item in listed if item not in frappes])
	found = [
		notifications.get_external_links(item, doc.name, links)
		if item in frappes
		else {"doctype": item, "count": counts.get(item, 0), "open_count": 0}
		for item in listed
	]
	out = {"count": {"external_links_found": found, "internal_links_found": []}}
	module = frappe.get_meta_module(doctype)
	if hasattr(module, "get_timeline_data"):
		out["timeline_data"] = module.get_timeline_data(doctype, name)
	return out


# Doctypes whose rows are scoped (SPEC ORG-03): global search must not show what lists would hide.
SCOPED_DOCTYPES = frozenset({"Customer Account", "Contact"})


# Raw pages global search reads at most per request while filling one page of visible rows.
GLOBAL_SEARCH_MAX_PAGES = 20


@frappe.whitelist()
def global_search(text: str, start: int = 0, limit: int = 20, doctype: str = "") -> list:
	"""`frappe.utils.global_search.search` checks read access per doctype only, so a salesperson would
	find other salespeople's customers by name. Drop the rows the user may not read — and keep reading the
	index page by page until the page is full (or the index has no more), so a salesperson's page is not
	short because other people's rows were dropped. `start` counts visible rows, as the Desk pages them."""
	from frappe.utils.global_search import search

	start, limit = max(0, int(start or 0)), max(1, min(int(limit or 20), 100))
	batch = max(limit, 20)
	visible, offset = [], 0
	for _page in range(GLOBAL_SEARCH_MAX_PAGES):
		rows = search(text, start=offset, limit=batch, doctype=doctype)
		visible += [
			row
			for row in rows
			if row.get("doctype") not in SCOPED_DOCTYPES
			or frappe.has_permission(row["doctype"], "read", doc=row["name"])
		]
		offset += batch
		if len(visible) >= start + limit or len(rows) < batch:
			break
	return visible[start : start + limit]


@frappe.whitelist()
@frappe.read_only()
def export_query():
	"""Report View / Report Builder export (`frappe.desk.reportview.export_query`) with spreadsheet
	injection neutralised (SPEC CUS-07): Frappe's own export runs unchanged (permissions, access log,
	formats), then the CSV or Excel file it made is rewritten so that text cells starting with = + - @ (or
	tab / CR) get a leading apostrophe and formulas become text; nothing else in the file changes. Read from
	the replica when the site has one (issue 17); the access log Frappe writes goes to the primary."""
	from frappe.desk import reportview

	_existing_doctype(frappe.form_dict.get("doctype"))
	reportview.export_query()
	_neutralise_exported_file()


@frappe.whitelist()
@frappe.read_only()
def export_report():
	"""Script and query report export (`frappe.desk.query_report.export_query`, e.g. the Follow Up Query of
	SPEC FUP-05, the Decision Centre's reports), made formula-safe the same way as the Report View export
	above; the whole export reads from the replica when the site has one (issue 17)."""
	from frappe.desk import query_report

	report = frappe.form_dict.get("report_name")
	if not isinstance(report, str) or not report or not frappe.db.exists("Report", report, cache=True):
		frappe.throw(
			_("{0} {1} not found").format(_("Report"), report if isinstance(report, str) else ""),
			frappe.DoesNotExistError,
		)
	query_report.export_query()
	_neutralise_exported_file()


def _neutralise_exported_file():
	delimiter = (str(frappe.form_dict.get("csv_delimiter") or ",") or ",")[0]
	content, filename = frappe.response.get("filecontent"), str(frappe.response.get("filename") or "")
	if not isinstance(content, bytes):
		return
	if filename.endswith(".csv"):
		frappe.response["filecontent"] = neutralise_csv(content.decode("utf-8"), delimiter).encode("utf-8")
	elif filename.endswith(".xlsx"):
		frappe.response["filecontent"] = neutralise_xlsx(content)


# Form loads and saves hand the document's last ten Versions (`docinfo.versions`) to anyone who may read
# the document, full numbers in their diffs included (SPEC ORG-06). Each entry point that builds a docinfo
# runs as Frappe's, then the versions are filtered for the reader (`services.masking.mask_version_data`).
# Arguments are checked first, so bad input is a 4xx like everywhere in the app.
SAVE_ACTIONS = frozenset({"Save", "Submit", "Update", "Cancel"})


def _existing_doctype(doctype) -> str:
	if not isinstance(doctype, str) or not doctype or not frappe.db.exists("DocType", doctype, cache=True):
		frappe.throw(
			_("{0} {1} not found").format(_("DocType"), doctype if isinstance(doctype, str) else ""),
			frappe.DoesNotExistError,
		)
	return doctype


def _mask_docinfo_versions():
	docinfo = frappe.response.get("docinfo")
	if docinfo and docinfo.get("versions"):
		docinfo["versions"] = mask_versions(docinfo["doctype"], docinfo["versions"])


@frappe.whitelist()
def getdoc(doctype: str, name: str, user: str | None = None):
	from frappe.desk.form import load

	load.getdoc(_existing_doctype(doctype), name, user)
	_mask_docinfo_versions()


@frappe.whitelist()
def get_docinfo(doctype: str, name: str):
	from frappe.desk.form import load

	load.get_docinfo(doctype=_existing_doctype(doctype), name=name)
	_mask_docinfo_versions()


@frappe.whitelist()
def savedocs(doc: str | dict, action: str):
	from frappe.desk.form import save

	try:
		values = frappe.parse_json(doc) if isinstance(doc, str) else doc
	except ValueError:
		values = None
	if not isinstance(values, dict) or action not in SAVE_ACTIONS:
		frappe.throw(_("Invalid request arguments"), frappe.ValidationError)
	_existing_doctype(values.get("doctype"))
	save.savedocs(doc, action)
	_mask_docinfo_versions()


@frappe.whitelist()
def cancel(
	doctype: str | None = None,
	name: str | None = None,
	workflow_state_fieldname: str | None = None,
	workflow_state: str | None = None,
):
	from frappe.desk.form import save

	save.cancel(_existing_doctype(doctype), name, workflow_state_fieldname, workflow_state)
	_mask_docinfo_versions()


# Core Contact methods that hand out the numbers table in full (SPEC ORG-06): for a user without
# full-number access the numbers go out as the level-0 copies show them.
def _contact_for_reader(name: str):
	from crm_suite.services.masking import can_see_full_numbers, display_value

	contact = frappe.get_doc("Contact", name)
	contact.check_permission()
	if not can_see_full_numbers("Contact"):
		for row in contact.get("phone_nos") or []:
			row.phone = display_value(row.phone)
		contact.phone, contact.mobile_no = display_value(contact.phone), display_value(contact.mobile_no)
	return contact


@frappe.whitelist()
def get_contact_details(contact: str) -> dict:
	contact = _contact_for_reader(contact)
	return {
		"contact_person": contact.get("name"),
		"contact_display": contact.get("full_name"),
		"contact_email": contact.get("email_id"),
		"contact_mobile": contact.get("mobile_no"),
		"contact_phone": contact.get("phone"),
		"contact_designation": contact.get("designation"),
		"contact_department": contact.get("department"),
	}


@frappe.whitelist()
def download_vcard(contact: str):
	from frappe.core.doctype.access_log.access_log import make_access_log

	contact = _contact_for_reader(contact)
	make_access_log(doctype="Contact", document=contact.name, file_type="vcf")
	frappe.response["filename"] = f"{contact.name}.vcf"
	frappe.response["filecontent"] = contact.get_vcard().serialize().encode("utf-8")
	frappe.response["type"] = "binary"


@frappe.whitelist()
def download_vcards(contacts: str):
	from frappe.core.doctype.access_log.access_log import make_access_log
	from frappe.utils.data import now

	from crm_suite.services.inputs import parse_names

	names = parse_names(contacts, "contacts")
	vcards = [_contact_for_reader(name).get_vcard().serialize() for name in names]
	make_access_log(
		doctype="Contact",
		filters=frappe.as_json([["name", "in", names]]),
		file_type="vcf",
	)
	frappe.response["filename"] = f"{now()[:19]} Contacts.vcf"
	frappe.response["filecontent"] = "\n".join(vcards).encode("utf-8")
	frappe.response["type"] = "binary"


@frappe.whitelist(methods=["POST"])
def save_report(reference_report: str, report_name: str, columns: str, filters: str):
	"""Frappe's *Save As* on a script / query report: CRM Managers and Admins save variants of the app's reports
	without Script Manager (services/report_variants.py); other reports and users: Frappe's own."""
	from frappe.desk import query_report

	from crm_suite.services import report_variants

	if not isinstance(reference_report, str) or not reference_report:
		frappe.throw(_("Which report to save is missing."), frappe.ValidationError)
	if report_variants.is_app_report(reference_report) and set(report_variants.VARIANT_ROLES) & set(
		frappe.get_roles()
	):
		return report_variants.save_variant(reference_report, report_name, columns, filters)
	return query_report.save_report(reference_report, report_name, columns, filters)


@frappe.whitelist()
def get_workspace_sidebar_items():
	"""The Desk's sidebar without the workspaces of modules switched off (ORG-04)."""
	from crm_suite.services.modules import sidebar_items

	return sidebar_items()


CHART_TIMESPANS = ("Last Year", "Last Quarter", "Last Month", "Last Week", "Select Date Range")
CHART_INTERVALS = ("Yearly", "Quarterly", "Monthly", "Weekly", "Daily")


def _json_argument(value, what: str, kinds: tuple[type, ...]):
	if value in (None, "") or isinstance(value, kinds):
		return value or None
	try:
		parsed = json.loads(value)
	except (TypeError, ValueError):
		parsed = None
	if not isinstance(parsed, kinds):
		from crm_suite.services.inputs import InvalidArgument

		frappe.throw(_("The chart's {0} are not valid.").format(_(what)), InvalidArgument)
	return parsed


@frappe.whitelist()
def dashboard_chart(
	chart_name: str | None = None,
	chart: str | dict | None = None,
	no_cache: str | int | None = None,
	filters: str | list | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | int | None = None,
	refresh: str | int | None = None,
):
	"""`frappe.desk.doctype.dashboard_chart.dashboard_chart.get` caches a chart's data under the chart's name
	alone (frappe.utils.dashboard.cache_source): the first viewer's figures would be served to every later
	viewer, whatever their row scope (ORG-03) — a manager's department totals to a salesperson. The data is
	computed for each request instead, from Frappe's own grouped, permission-aware queries (frappe.get_list),
	on the read replica when the site has one (issue 17); the arguments are checked first, so that bad input
	is a 4xx. A refresh stamps the chart's `last_synced_on` on the primary. An unsaved chart (the chart form's
	preview) goes to `api/replica.dashboard_chart`, which checks its definition and never caches it."""
	import inspect

	from frappe.desk.doctype.dashboard_chart import dashboard_chart as charts
	from frappe.utils import cint, getdate, now

	from crm_suite.services.inputs import InvalidArgument

	if not chart_name:
		from crm_suite.api.replica import dashboard_chart as preview

		return preview(
			chart=chart,
			filters=filters,
			from_date=from_date,
			to_date=to_date,
			timespan=timespan,
			time_interval=time_interval,
			heatmap_year=heatmap_year,
		)
	if not frappe.db.exists("Dashboard Chart", chart_name):
		frappe.throw(_("Dashboard Chart {0} does not exist.").format(chart_name), frappe.DoesNotExistError)
	filters = _json_argument(filters, "filters", (list,))
	if filters and not all(
		isinstance(f, list) and len(f) in (4, 5) and isinstance(f[0], str) and isinstance(f[1], str)
		for f in filters
	):
		frappe.throw(_("The chart's {0} are not valid.").format(_("filters")), InvalidArgument)
	if timespan and timespan not in CHART_TIMESPANS or time_interval and time_interval not in CHART_INTERVALS:
		frappe.throw(_("The chart's period is not valid."), InvalidArgument)
	try:
		from_date, to_date = (str(getdate(d)) if d else None for d in (from_date, to_date))
	except Exception:
		frappe.throw(_("The chart's period is not valid."), InvalidArgument)
	if timespan == "Select Date Range" and not (from_date and to_date):
		frappe.throw(_("The chart's period is not valid."), InvalidArgument)
	was_read_only = frappe.flags.read_only
	try:
		# the function under Frappe's decorators (whitelist's type check, cache_source): no per-chart cache
		result = frappe.read_only()(inspect.unwrap(charts.get))(
			chart_name=chart_name,
			filters=json.dumps(filters) if filters is not None else None,
			from_date=from_date,
			to_date=to_date,
			timespan=timespan,
			time_interval=time_interval,
			heatmap_year=cint(heatmap_year) or None,
		)
	finally:
		frappe.flags.read_only = was_read_only
	if cint(refresh) and not was_read_only:
		frappe.db.set_value("Dashboard Chart", chart_name, "last_synced_on", now(), update_modified=False)
	return result
