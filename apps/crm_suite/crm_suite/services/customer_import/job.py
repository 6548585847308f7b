"""A customer import batch as a background job (SPEC CUS-07; batch statistics for RPT-09).

Read the sheet (sheet.py), check every row (pure, policies/import_rows.py), resolve links and duplicates
with set-based queries against the stored customers and within the file (checks.py), then write the
accepted rows in bulk (writer.py). The batch records its counts, with progress shown to the user, and a
per-row error report the user can download.
"""

import io
import time

import frappe
from frappe import _
from frappe.utils import now_datetime

from crm_suite.policies.import_rows import CheckedRow, RowChecker, as_text
from crm_suite.policies.xlsx_rows import sheet_rows
from crm_suite.services.customer_fields import CUSTOMER, column_label, required_fieldnames
from crm_suite.services.customer_import.checks import (
	DUPLICATE_CODES,
	apply_owned_limits,
	assignable_salespeople,
	find_duplicates,
	problem_message,
	resolve_links,
)
from crm_suite.services.customer_import.sheet import (
	ImportFileInvalid,
	ImportTooLarge,
	file_path,
	max_import_rows,
	open_sheet,
	read_rows,
)
from crm_suite.services.customer_import.template import column_spec
from crm_suite.services.customer_import.writer import write_customers
from crm_suite.services.phone_index import phone_settings

BATCH = "Customer Import Batch"
ALL_OR_NOTHING = "All or nothing"
VALID_ROWS = "Import valid rows"
PROGRESS_STEPS = 20


def build_error_report(rows: list[CheckedRow], raw_value) -> bytes:
	"""One line per problem: row number as the sheet shows it, column label, value, translated message."""
	from openpyxl import Workbook

	meta = frappe.get_meta(CUSTOMER)
	wb = Workbook(write_only=True)
	ws = wb.create_sheet(_("Import Errors")[:31])
	ws.append([_("Row"), _("Column"), _("Value"), _("Problem"), _("Kind")])
	for row in rows:
		for fieldname, code, args in row.problems:
			label = _(column_label(meta, fieldname))
			raw = raw_value(row.row_number, fieldname)
			ws.append(
				[
					row.row_number,
					label,
					as_text(raw),
					problem_message(code, args, label),
					_("Duplicate") if code in DUPLICATE_CODES else _("Error"),
				]
			)
	buffer = io.BytesIO()
	wb.save(buffer)
	return buffer.getvalue()


def _attach_report(batch, content: bytes) -> str:
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{batch.name}-errors.xlsx",
			"attached_to_doctype": BATCH,
			"attached_to_name": batch.name,
			"attached_to_field": "error_report",
			"is_private": 1,
			"content": content,
		}
	).insert(ignore_permissions=True)
	return file.file_url


# ---------------------------------------------------------------------------------------------------
# The job


def enqueue_import(batch_name: str):
	frappe.db.set_value(BATCH, batch_name, {"status": "Queued", "job_id": f"customer_import::{batch_name}"})
	frappe.enqueue(
		"crm_suite.services.customer_import.job.run_import",
		queue="long",
		timeout=3600,
		job_id=f"customer_import::{batch_name}",
		deduplicate=True,
		enqueue_after_commit=True,
		now=bool(frappe.flags.in_test),
		batch_name=batch_name,
	)


def run_import(batch_name: str) -> dict:
	"""Background job: import one batch and record its outcome; never raises for bad input."""
	batch = frappe.get_doc(BATCH, batch_name)
	frappe.local.lang = frappe.translate.get_user_lang(frappe.session.user)
	batch.db_set({"status": "Running", "started_on": now_datetime(), "finished_on": None, "message": None})
	frappe.db.savepoint("customer_import")
	try:
		outcome = import_batch(batch)
	except (ImportFileInvalid, ImportTooLarge) as e:
		frappe.db.rollback(save_point="customer_import")
		frappe.clear_messages()
		outcome = {"status": "Failed", "message": str(e)}
	except Exception:
		frappe.db.rollback(save_point="customer_import")
		frappe.log_error(title=_("Customer import {0} failed").format(batch_name))
		outcome = {"status": "Failed", "message": _("The import failed unexpectedly; nothing was written.")}
	timings = outcome.pop("timings", None)
	batch.db_set({**outcome, "finished_on": now_datetime()})
	frappe.publish_realtime(
		"customer_import_done",
		{"batch": batch.name, "status": batch.status, "imported": batch.imported_rows},
		user=batch.owner,
		after_commit=True,
	)
	return {**outcome, "timings": timings}


def import_batch(batch) -> dict:
	user = frappe.session.user
	title = _("Importing customers")

	def progress(percent: float, description: str):
		frappe.publish_progress(percent, title=title, description=description)

	timings, began = {}, time.perf_counter()

	def lap(phase: str):
		nonlocal began
		timings[phase] = round(time.perf_counter() - began, 2)
		began = time.perf_counter()

	progress(1, _("Reading the file"))
	path = file_path(batch.import_file)
	wb, ws = open_sheet(path)
	try:
		mapped, data = read_rows(ws, max_import_rows(), sheet_rows(path, wb, ws))
	finally:
		wb.close()
	lap("read")
	meta = frappe.get_meta(CUSTOMER)
	specs = [column_spec(df) if df else None for df in mapped]
	region, area = phone_settings()
	department = (
		frappe.db.get_value("Sales Staff", batch.salesperson, "sales_department")
		if batch.salesperson
		else None
	)
	checker = RowChecker(specs, required_fieldnames(meta, department), region, area)
	positions = {s.fieldname: i for i, s in enumerate(specs) if s}
	checked = []
	step = max(1, len(data) // PROGRESS_STEPS)
	for index, (number, cells) in enumerate(data):
		checked.append(checker.check(number, cells))
		if index % step == 0:
			progress(5 + 45 * index / len(data), _("Checking row {0} of {1}").format(index + 1, len(data)))
	lap("check")
	progress(50, _("Looking for duplicates"))
	departments = resolve_links(checked, specs, user)
	if batch.salesperson:
		departments.update(assignable_salespeople({batch.salesperson}, user))
	find_duplicates(checked, bool(frappe.db.get_single_value("CRM Suite Settings", "duplicate_phone_check")))
	apply_owned_limits(checked, batch)
	lap("links_and_duplicates")
	cells_by_number = dict(data)

	def raw_value(row_number: int, fieldname: str):
		position, cells = positions.get(fieldname), cells_by_number[row_number]
		return cells[position] if position is not None and position < len(cells) else None

	accepted = [r for r in checked if r.ok]
	failed = [r for r in checked if r.problems and not all(p[1] in DUPLICATE_CODES for p in r.problems)]
	duplicates = [r for r in checked if r.problems and all(p[1] in DUPLICATE_CODES for p in r.problems)]
	counts = {
		"total_rows": len(checked),
		"failed_rows": len(failed),
		"duplicate_rows": len(duplicates),
		"imported_rows": 0,
		"assigned_rows": 0,
		"unassigned_rows": 0,
	}
	blocked = batch.import_mode == ALL_OR_NOTHING and failed
	if accepted and not blocked:

		def write_progress(done: int, total: int):
			progress(60 + 39 * done / total, _("Saving customer {0} of {1}").format(done, total))

		written = write_customers(accepted, batch, departments, write_progress)
		lap("write")
		counts.update(
			imported_rows=written["imported"],
			assigned_rows=written["assigned"],
			unassigned_rows=written["unassigned"],
		)
	report = None
	if failed or duplicates:
		report = _attach_report(batch, build_error_report(failed + duplicates, raw_value))
	if blocked:
		status = "Failed"
		message = _(
			"{0} rows have errors; nothing was imported (all or nothing). See the error report."
		).format(len(failed))
	elif failed and not counts["imported_rows"]:
		status = "Failed"
		message = _("{0} rows have errors; no customer was imported. See the error report.").format(
			len(failed)
		)
	elif failed:
		status = "Partially Completed"
		message = _("{0} customers imported, {1} rows with errors skipped.").format(
			counts["imported_rows"], len(failed)
		)
	else:
		status = "Completed"
		message = _("{0} customers imported.").format(counts["imported_rows"])
	if duplicates:
		message += " " + _("{0} duplicates skipped.").format(len(duplicates))
	progress(100, message)
	lap("report")
	return {**counts, "status": status, "message": message, "error_report": report, "timings": timings}
