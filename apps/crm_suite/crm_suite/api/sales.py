"""Whitelisted endpoints of the sales pipeline (SPEC SALE-01, SALE-02): thin wrappers over services/sales/,
which decides, locks and records."""

import json

import frappe

from crm_suite.permissions.roles import STAFF_ROLES, require_roles
from crm_suite.services.inputs import _invalid
from crm_suite.services.pool.locks import retry_on_deadlock
from crm_suite.services.sales import board as board_service
from crm_suite.services.sales import opportunities, stages


def _values(values) -> dict | None:
	if values in (None, "", {}):
		return None
	if isinstance(values, str):
		try:
			values = json.loads(values)
		except ValueError:
			_invalid("values")
	if not isinstance(values, dict) or not all(isinstance(k, str) for k in values):
		_invalid("values")
	return values


def _text(value, what: str) -> str | None:
	if value is None or value == "":
		return None
	if not isinstance(value, str):
		_invalid(what)
	return value


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def move_stage(
	opportunity: str,
	to_stage: str,
	feedback: str | None = None,
	expected_stage: str | None = None,
	loss_reason: str | None = None,
	values: str | dict | None = None,
) -> dict:
	"""Advance or jump an opportunity to `to_stage` with the feedback the process asks for; refused (409)
	when it no longer stands in `expected_stage`, the stage the user saw."""
	require_roles(*STAFF_ROLES)
	if not isinstance(opportunity, str) or not opportunity or not isinstance(to_stage, str) or not to_stage:
		_invalid("stage")
	return stages.move_stage(
		opportunity,
		to_stage,
		feedback=_text(feedback, "feedback"),
		expected_stage=_text(expected_stage, "stage") if expected_stage is not None else None,
		loss_reason=_text(loss_reason, "loss reason"),
		values=_values(values),
	)


@frappe.whitelist()
def stage_choices(opportunity: str) -> dict:
	"""What the Move Stage dialog shows: the process's stages with what each requires."""
	require_roles(*STAFF_ROLES)
	doc = frappe.get_doc("Sales Opportunity", opportunity)
	doc.check_permission("read")
	return {
		"stage": doc.stage,
		"status": doc.status,
		"stages": [
			{
				"stage": s.name,
				"end_kind": s.end_kind,
				"probability": s.probability,
				"feedback_required": s.feedback_required,
				"required_fields": list(s.required_fields),
			}
			for s in stages.load_stages(doc.sales_process)
		],
	}


@frappe.whitelist()
def move_requirements(opportunity: str, to_stage: str) -> dict:
	"""What a move to `to_stage` asks for (the Kanban drag's and the Move Stage dialog's fields)."""
	require_roles(*STAFF_ROLES)
	if not isinstance(opportunity, str) or not opportunity or not isinstance(to_stage, str) or not to_stage:
		_invalid("stage")
	return stages.move_requirements(opportunity, to_stage)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def kanban_move(
	board_name: str,
	docname: str,
	from_colname: str,
	to_colname: str,
	old_index: int | str = 0,
	new_index: int | str = 0,
	feedback: str | None = None,
	loss_reason: str | None = None,
	values: str | dict | None = None,
):
	"""Frappe's Kanban drag (`update_order_for_single_card`, routed here). On an opportunity board the card's
	move is a stage move under the process's rules, with what the drag's dialog asked for (SALE-02): the stage
	the card stood in is the one the user saw (409 when it moved meanwhile). Other boards: Frappe's own."""
	from frappe.desk.doctype.kanban_board import kanban_board

	if not isinstance(board_name, str) or not board_name:
		_invalid("board")
	board = frappe.db.get_value("Kanban Board", board_name, ["reference_doctype", "field_name"], as_dict=True)
	if not board or board.reference_doctype != "Sales Opportunity" or board.field_name != "stage":
		return kanban_board.update_order_for_single_card(
			board_name, docname, from_colname, to_colname, old_index, new_index
		)
	require_roles(*STAFF_ROLES)
	for value in (docname, from_colname, to_colname):
		if not isinstance(value, str) or not value:
			_invalid("stage")
	if from_colname != to_colname:
		stages.move_stage(
			docname,
			to_colname,
			feedback=_text(feedback, "feedback"),
			expected_stage=from_colname,
			loss_reason=_text(loss_reason, "loss reason"),
			values=_values(values),
		)
	return board_service.place_card(board_name, docname, from_colname, to_colname, old_index, new_index)


@frappe.whitelist(methods=["POST"])
def kanban_order(board_name: str, order: str | None = None):
	"""Frappe's Kanban board sends the place of every card it shows each time it is loaded (`update_order`, routed
	here), and Frappe saves it: a query per card, a card whose column differs moved straight to it (outside the
	process's rules), the shared board rewritten with this user's cards only — on every load of every user. On an
	opportunity board cards move by their drags (`kanban_move`) and nothing else: the board is answered as it is
	stored, nothing written, no card moved (SALE-02, issue 19). Other boards: Frappe's own."""
	from frappe.desk.doctype.kanban_board import kanban_board

	if not isinstance(board_name, str) or not board_name:
		_invalid("board")
	if frappe.db.get_value("Kanban Board", board_name, "reference_doctype") != "Sales Opportunity":
		return kanban_board.update_order(board_name, order)
	frappe.has_permission("Sales Opportunity", "read", throw=True)
	return frappe.get_doc("Kanban Board", board_name), []


@frappe.whitelist()
def opportunity_values(customer: str | None = None, follow_up: str | None = None) -> dict:
	"""Values for a new opportunity opened from a customer's or a follow-up's form."""
	require_roles(*STAFF_ROLES)
	if follow_up:
		return opportunities.values_from_follow_up(follow_up)
	if customer:
		return opportunities.values_from_customer(customer)
	_invalid("customer")


def _open_card(measure: str, fieldtype: str) -> dict:
	"""A number card of the open opportunities in scope, every process, from Opportunity Holding (issue 17):
	`measure` summed over the stages, the card opening the list of open opportunities."""
	require_roles(*STAFF_ROLES)
	from crm_suite.sales.report.sales_pipeline.sales_pipeline import counted_from_holding

	total = sum(float(r[measure] or 0) for r in counted_from_holding(None, frappe._dict()).values())
	return {
		"value": int(total) if fieldtype == "Int" else total,
		"fieldtype": fieldtype,
		"route": ["List", "Sales Opportunity"],
		"route_options": {"status": "Open"},
	}


@frappe.whitelist()
@frappe.read_only()
def open_pipeline_card(filters: str | dict | None = None) -> dict:
	"""The Sales workspace's number card: the expected amount of the open opportunities in scope."""
	return _open_card("expected_amount", "Currency")


@frappe.whitelist()
@frappe.read_only()
def open_opportunities_card(filters: str | dict | None = None) -> dict:
	"""The Decision Centre's number card: how many open opportunities the viewer's scope holds."""
	return _open_card("opportunities", "Int")


@frappe.whitelist()
@frappe.read_only()
def open_by_stage_chart(chart_name: str | None = None, filters: str | dict | None = None) -> dict:
	"""The open opportunities in scope per stage, every process, from Opportunity Holding (issue 17): the data of
	the Dashboard Chart Sources *Open Pipeline by Stage* (the Sales workspace's *Pipeline by Stage*: expected
	amount) and *Open Opportunities by Stage* (the Decision Centre's *Opportunities by Stage*: how many), where
	Frappe's group-by charts read every open opportunity in scope (0.4–1.2 s for a manager of 200 at 200k)."""
	require_roles(*STAFF_ROLES)
	from crm_suite.sales.report.sales_pipeline.sales_pipeline import open_by_stage

	return open_by_stage("opportunities" if chart_name == "Opportunities by Stage" else "expected_amount")


@frappe.whitelist()
@frappe.read_only()
def target_attainment_card(filters: str | dict | None = None) -> dict:
	"""The Sales workspace's number card: this month's won amount over the planned amount, in scope (on the
	read replica when the site has one, issue 17)."""
	require_roles(*STAFF_ROLES)
	from crm_suite.sales.report.sales_target_attainment.sales_target_attainment import month_attainment

	return {"value": month_attainment() or 0, "fieldtype": "Percent"}
