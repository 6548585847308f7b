"""The customer import's columns and its Excel template (SPEC CUS-07).

One column per importable Customer Account field (services/customer_fields.py), so admin-added Custom
Fields are in the template and the checks with no code.
"""

import io

import frappe
from frappe import _
from frappe.utils import cint

from crm_suite.policies.import_rows import ColumnSpec
from crm_suite.services.customer_fields import (
	ASSIGNABLE_FIELDS,
	CUSTOMER,
	column_label,
	import_fields,
	required_fieldnames,
)
from crm_suite.services.phone_index import PHONE_FIELDS

LIST_LIMIT = 300  # masters with more values get no drop-down list in the template
LINK_LIST_FILTERS = {"province": {"region_level": "Province"}, "city": {"region_level": "City"}}
TEMPLATE_ROWS = 5000  # rows of the template that carry the drop-down lists


def column_spec(df) -> ColumnSpec:
	choices = None
	if df.fieldtype == "Select":
		options = [o for o in (df.options or "").split("\n") if o.strip()]
		choices = {**{_(o): o for o in options}, **{o: o for o in options}}
	max_length = None
	if df.fieldtype in ("Data", "Link", "Phone"):
		max_length = cint(df.length) or 140
	return ColumnSpec(
		fieldname=df.fieldname,
		fieldtype=df.fieldtype,
		choices=choices,
		is_phone=df.fieldname in PHONE_FIELDS[CUSTOMER] or df.options == "Phone" or df.fieldtype == "Phone",
		is_email=df.options == "Email",
		max_length=max_length,
		rating_stars=cint(df.options) or 5 if df.fieldtype == "Rating" else 5,
	)


def header_label(meta, df, required: tuple[str, ...]) -> str:
	return _(column_label(meta, df.fieldname)) + (" *" if df.fieldname in required else "")


def link_choices(df) -> list[str] | None:
	"""Values of a small master for a drop-down list, or None when the master is large."""
	if df.fieldtype != "Link" or df.fieldname in ASSIGNABLE_FIELDS:
		return None
	filters = LINK_LIST_FILTERS.get(df.fieldname) if df.options == "Customer Region" else None
	names = frappe.get_all(df.options, filters=filters, pluck="name", limit=LIST_LIMIT + 1, order_by="name")
	return names if len(names) <= LIST_LIMIT else None


def build_template() -> bytes:
	"""Header row of translated labels (required marked *), a hidden row of fieldnames the import
	reads, and drop-down lists for Select fields and small masters (kept in a hidden sheet)."""
	from openpyxl import Workbook
	from openpyxl.styles import Font, PatternFill
	from openpyxl.utils import get_column_letter, quote_sheetname
	from openpyxl.worksheet.datavalidation import DataValidation

	meta = frappe.get_meta(CUSTOMER)
	fields = import_fields(meta)
	required = required_fieldnames(meta)
	wb = Workbook()
	ws = wb.active
	ws.title = _("Customers")[:31]
	lists = wb.create_sheet("Lists")
	lists.sheet_state = "hidden"
	ws.append([header_label(meta, df, required) for df in fields])
	ws.append([df.fieldname for df in fields])
	ws.row_dimensions[2].hidden = True
	ws.freeze_panes = "A3"
	bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
	list_column = 0
	for position, df in enumerate(fields, start=1):
		letter = get_column_letter(position)
		cell = ws.cell(row=1, column=position)
		cell.font = bold
		if df.fieldname in required:
			cell.fill = fill
		ws.column_dimensions[letter].width = max(12, min(40, len(cell.value) * 2 + 4))
		if df.description:
			from openpyxl.comments import Comment

			cell.comment = Comment(_(df.description), "CRM Suite")
		if df.fieldtype == "Select":
			values = [_(o) for o in (df.options or "").split("\n") if o.strip()]
		elif df.fieldtype == "Check":
			values = ["1", "0"]
		else:
			names = link_choices(df)
			values = [_(n) for n in names] if names else None
		if not values:
			continue
		list_column += 1
		list_letter = get_column_letter(list_column)
		lists.cell(row=1, column=list_column, value=df.fieldname)
		for offset, value in enumerate(values, start=2):
			lists.cell(row=offset, column=list_column, value=value)
		source = f"{quote_sheetname(lists.title)}!${list_letter}$2:${list_letter}${len(values) + 1}"
		validation = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
		validation.error = _("Choose a value from the list")
		validation.showErrorMessage = True
		ws.add_data_validation(validation)
		validation.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
	buffer = io.BytesIO()
	wb.save(buffer)
	return buffer.getvalue()
