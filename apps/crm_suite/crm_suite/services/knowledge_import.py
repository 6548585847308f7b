"""Knowledge base import from Excel (SPEC SVC-04) for managers and admins, who have no access to Frappe's
Data Import (System Managers only): the sheet is checked whole first — headers, required cells, categories,
titles already in the base — and imported only when every row is sound, so a failed import leaves nothing
half-done. Articles go through their controller (pinyin keys) with the importer's permissions."""

import io

import frappe
from frappe import _
from openpyxl import load_workbook

from crm_suite.policies.knowledge_rows import parse_sheet

ARTICLE = "Knowledge Article"
LABELS = {"title": "Title", "category": "Category", "content": "Answer / Content"}
PROBLEMS = {
	"empty": lambda detail: _("The sheet is empty."),
	"missing_column": lambda detail: _("The column {0} is missing.").format(_(LABELS.get(detail, detail))),
	"too_many_rows": lambda detail: _("At most {0} rows can be imported at once.").format(detail),
	"missing_value": lambda detail: _("Required value missing: {0}.").format(detail),
	"duplicate_title": lambda detail: _("The title {0} appears twice in the sheet.").format(detail),
	"unknown_category": lambda detail: _("Knowledge Category {0} does not exist.").format(detail),
	"existing_title": lambda detail: _("An article titled {0} already exists.").format(detail),
}


class KnowledgeImportFailed(frappe.ValidationError):
	pass


def read_rows(file_url: str) -> list[tuple]:
	name = frappe.db.get_value("File", {"file_url": file_url})
	if not name:
		frappe.throw(_("File {0} not found").format(file_url), frappe.DoesNotExistError)
	file_doc = frappe.get_doc("File", name)
	file_doc.check_permission("read")
	if not (file_doc.file_name or file_url).lower().endswith(".xlsx"):
		frappe.throw(_("Import template should be of type .xlsx"), KnowledgeImportFailed)
	try:
		book = load_workbook(io.BytesIO(file_doc.get_content()), read_only=True, data_only=True)
	except Exception:
		frappe.throw(_("The file is not a readable .xlsx workbook."), KnowledgeImportFailed)
	return list(book.active.iter_rows(values_only=True))


def import_articles(file_url: str) -> dict:
	frappe.has_permission(ARTICLE, "create", throw=True)
	parsed = parse_sheet(read_rows(file_url))
	errors = list(parsed.errors)
	if parsed.articles:
		categories = {a["category"] for a in parsed.articles}
		known = set(
			frappe.get_all("Knowledge Category", filters={"name": ("in", list(categories))}, pluck="name")
		)
		titles = [a["title"] for a in parsed.articles]
		existing = set(frappe.get_all(ARTICLE, filters={"title": ("in", titles)}, pluck="title"))
		for article in parsed.articles:
			if article["category"] not in known:
				errors.append((article["_row"], "unknown_category", article["category"]))
			elif article["title"] in existing:
				errors.append((article["_row"], "existing_title", article["title"]))
	if errors:
		return {
			"imported": [],
			"errors": [
				{"row": row, "message": PROBLEMS[code](detail)} for row, code, detail in sorted(errors)
			],
		}
	imported = []
	for article in parsed.articles:
		values = {k: v for k, v in article.items() if not k.startswith("_")}
		doc = frappe.get_doc({"doctype": ARTICLE, "published": 1, **values}).insert()
		imported.append(doc.name)
	return {"imported": imported, "errors": []}
