"""Dashboard reads served by the site's read replica (issue 17, "beyond one machine").

Frappe sends its report runs, list views and exports to the replica (`@frappe.read_only()`, used when the
site config has `read_from_replica`), but not the number cards and dashboard charts of a workspace: every
manager opening the Decision Centre would aggregate on the primary. These wrappers run Frappe's own code on
the replica; the one write a chart makes (its `last_synced_on` stamp) goes to the primary afterwards.
Without a replica they behave exactly as Frappe's."""

import frappe
from frappe.utils import now


@frappe.whitelist()
@frappe.read_only()
def number_card_result(doc: str | dict, filters: str | list | dict | None, to_date: str | None = None):
	"""`frappe.desk.doctype.number_card.number_card.get_result`, on the replica."""
	from frappe.desk.doctype.number_card import number_card

	return number_card.get_result(doc, filters, to_date)


@frappe.whitelist()
@frappe.read_only()
def number_card_percentage_difference(
	doc: str | dict, filters: str | list | dict | None, result: str | float | int | None
):
	"""`frappe.desk.doctype.number_card.number_card.get_percentage_difference`, on the replica."""
	from frappe.desk.doctype.number_card import number_card

	return number_card.get_percentage_difference(doc, filters, result)


@frappe.whitelist()
def dashboard_chart(
	chart_name: str | None = None,
	chart: str | dict | None = None,
	no_cache: int | str | None = None,
	filters: str | list | dict | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: int | str | None = None,
	refresh: int | str | None = None,
):
	"""`frappe.desk.doctype.dashboard_chart.dashboard_chart.get` (cached per chart) computed on the replica.
	Frappe stamps `last_synced_on` whenever it computes instead of answering from the cache — a write the
	read-only replica refuses — so the computation runs with Frappe's read-only flag (which skips the
	stamp) and the stamp is written here, on the primary, when Frappe computed."""
	from frappe.desk.doctype.dashboard_chart import dashboard_chart as frappe_chart

	computes = not no_cache and (
		int(refresh or 0) or not frappe.cache.get_value(f"chart-data:{_chart_name(chart_name, chart)}")
	)
	was_read_only = frappe.flags.read_only
	frappe.flags.read_only = True
	try:
		result = frappe.read_only()(frappe_chart.get)(
			chart_name=chart_name,
			chart=chart,
			no_cache=no_cache,
			filters=filters,
			from_date=from_date,
			to_date=to_date,
			timespan=timespan,
			time_interval=time_interval,
			heatmap_year=heatmap_year,
			refresh=refresh,
		)
	finally:
		frappe.flags.read_only = was_read_only
	if computes and chart_name and not was_read_only:
		frappe.db.set_value("Dashboard Chart", chart_name, "last_synced_on", now(), update_modified=False)
	return result


def _chart_name(chart_name, chart) -> str | None:
	if chart_name:
		return chart_name
	try:
		return (frappe.parse_json(chart) or {}).get("name")
	except (TypeError, ValueError):
		return None
