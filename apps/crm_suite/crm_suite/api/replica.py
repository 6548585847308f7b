"""Dashboard reads served by the site's read replica (issue 17, "beyond one machine").

Frappe sends its report runs, list views and exports to the replica (`@frappe.read_only()`, used when the
site config has `read_from_replica`), but not the number cards and dashboard charts of a workspace: every
manager opening the Decision Centre would aggregate on the primary. These wrappers run Frappe's own code on
the replica; the one write a chart makes (its `last_synced_on` stamp on a refresh) goes to the primary.
Without a replica they behave exactly as Frappe's."""

import json

import frappe
from frappe import _
from frappe.utils import cint, flt

from crm_suite.services.inputs import InvalidArgument, parse_date

AGGREGATES = frozenset({"Count", "Sum", "Average", "Minimum", "Maximum"})


@frappe.whitelist()
@frappe.read_only()
def number_card_result(doc: str | dict, filters: str | list | None = None, to_date: str | None = None):
	"""`frappe.desk.doctype.number_card.number_card.get_result`, on the replica."""
	from frappe.desk.doctype.number_card import number_card

	return number_card.get_result(_card(doc), _widget_filters(filters), parse_date(to_date))


@frappe.whitelist()
@frappe.read_only()
def number_card_percentage_difference(
	doc: str | dict, filters: str | list | None = None, result: str | float | int | None = None
):
	"""`frappe.desk.doctype.number_card.number_card.get_percentage_difference`, on the replica."""
	from frappe.desk.doctype.number_card import number_card

	name = _json_object(doc, "number card").get("name")
	if not isinstance(name, str) or not frappe.db.exists("Number Card", name):
		frappe.throw(
			_("{0} {1} not found").format(_("Number Card"), name if isinstance(name, str) else ""),
			frappe.DoesNotExistError,
		)
	return number_card.get_percentage_difference({"name": name}, _widget_filters(filters), _number(result))


@frappe.whitelist()
def dashboard_chart(
	chart_name: str | None = None,
	chart: str | dict | None = None,
	no_cache: int | str | None = None,
	filters: str | list | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: int | str | None = None,
	refresh: int | str | None = None,
):
	"""`frappe.desk.doctype.dashboard_chart.dashboard_chart.get` on the replica. A saved chart is computed per
	viewer by `api/overrides.dashboard_chart` (which stamps `last_synced_on` on the primary on a refresh); an
	unsaved one (the chart form's preview) is checked here and computed uncached, which writes nothing."""
	from frappe.desk.doctype.dashboard_chart import dashboard_chart as frappe_chart

	if chart_name:  # a saved chart: computed per viewer, never from the per-chart cache (api/overrides.py)
		from crm_suite.api.overrides import dashboard_chart as saved_chart

		return saved_chart(
			chart_name=chart_name,
			filters=filters,
			from_date=from_date,
			to_date=to_date,
			timespan=timespan,
			time_interval=time_interval,
			heatmap_year=heatmap_year,
			refresh=refresh,
		)
	# an unsaved chart (the chart form's preview): its definition as JSON, never cached (as the Desk asks)
	config = _json_object(chart, "chart")
	_existing_doctype(config.get("document_type"))
	filters = _widget_filters(filters)
	return frappe.read_only()(frappe_chart.get)(
		chart=json.dumps(config),
		no_cache=1,
		filters=json.dumps(filters) if filters else None,
		from_date=parse_date(from_date),
		to_date=parse_date(to_date),
		timespan=timespan,
		time_interval=time_interval,
		heatmap_year=cint(heatmap_year) or None,
	)


def _invalid(what: str):
	frappe.throw(_("Invalid {0}.").format(_(what)), InvalidArgument, title=_("Invalid Input"))


def _json_object(value, what: str) -> dict:
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			_invalid(what)
	if not isinstance(value, dict):
		_invalid(what)
	return value


def _existing_doctype(doctype) -> str:
	if not isinstance(doctype, str) or not doctype or not frappe.db.exists("DocType", doctype, cache=True):
		frappe.throw(
			_("{0} {1} not found").format(_("DocType"), doctype if isinstance(doctype, str) else ""),
			frappe.DoesNotExistError,
		)
	return doctype


def _card(doc) -> dict:
	"""A number card's definition as the Desk sends it: an aggregate of an existing doctype's field."""
	card = frappe._dict(_json_object(doc, "number card"))
	if card.function not in AGGREGATES:
		_invalid("number card")
	_existing_doctype(card.document_type)
	if card.parent_document_type:
		_existing_doctype(card.parent_document_type)
	if card.function != "Count" and not (
		isinstance(card.aggregate_function_based_on, str)
		and frappe.get_meta(card.document_type).has_field(card.aggregate_function_based_on)
	):
		_invalid("number card")
	return card


def _widget_filters(filters) -> list:
	"""Filters of a card or chart: [doctype, field, operator, value(, hidden)] rows, or their JSON text
	(Frappe appends rows to them). Never a text condition: Frappe's list query would take it as SQL."""
	if filters in (None, ""):
		return []
	if isinstance(filters, str):
		try:
			filters = json.loads(filters)
		except ValueError:
			_invalid("filters")
	if not isinstance(filters, list) or not all(
		isinstance(row, list) and 3 <= len(row) <= 5 and all(isinstance(p, str) and p for p in row[:2])
		for row in filters
	):
		_invalid("filters")
	return filters


def _number(value) -> float:
	try:
		return flt(float(value))
	except (TypeError, ValueError, OverflowError):
		_invalid("result")
