"""The opportunity Kanban board's cards (SPEC SALE-02), bounded per column.

Frappe's Kanban view asks `frappe.desk.reportview.get` for every card at once (page length 0). For a
salesperson that is a few hundred cards; for a manager over a department subtree it is tens of thousands,
which neither the server nor the browser should carry. The board's request is answered with Frappe's own
query bounded to one card more than the columns may show together: when that is all there is (a
salesperson's board), it is the answer, unchanged. Otherwise each stage column gets its own cards in the
board's order (most recently modified first by default), at most COLUMN_CARDS of them, with the same filters
and the same row scope as the list, read on the `board_column` index (process, stage, status, modified):
MariaDB's own choice, the `modified` index filtered row by row, took 0.24 s a column for a manager of 202
at 200k opportunities; on that index it takes 5–10 ms."""

import frappe
from frappe.desk.reportview import compress, execute, get_form_params
from frappe.model.db_query import DatabaseQuery

OPPORTUNITY = "Sales Opportunity"
# Cards one column shows; a column holding more shows the first ones (filter the board to see the rest).
COLUMN_CARDS = 100


def is_board_request(form: dict) -> bool:
	"""The Kanban view's request for the whole board: view Kanban, no page length."""
	return (
		form.get("doctype") == OPPORTUNITY
		and form.get("view") == "Kanban"
		and not frappe.utils.cint(form.get("page_length"))
	)


def stage_values() -> list[str]:
	"""Every stage of every process (the Stage field's options, kept in step with the processes)."""
	options = frappe.get_meta(OPPORTUNITY).get_field("stage").options or ""
	return [stage for stage in options.split("\n") if stage]


def with_stage(filters, stage: str):
	"""The board's filters (a dict or a list of conditions) and `stage = stage`."""
	if isinstance(filters, dict):
		if "stage" in filters:  # the board already filters on the stage: both must hold
			return [[OPPORTUNITY, key, "=", value] for key, value in filters.items()] + [
				[OPPORTUNITY, "stage", "=", stage]
			]
		return {**filters, "stage": stage}
	return [*(filters or []), [OPPORTUNITY, "stage", "=", stage]]


def board_cards(args: dict, per_column: int | None = None) -> list[dict]:
	"""Every card when there are few, else at most `per_column` (default COLUMN_CARDS) cards of each stage,
	as `reportview.execute` returns them."""
	per_column = per_column or COLUMN_CARDS
	stages = stage_values()
	bound = per_column * len(stages)
	cards = execute(**{**args, "start": 0, "page_length": bound + 1})
	if len(cards) <= bound:
		return cards
	return [card for stage in stages for card in column_cards(args, stage, per_column)]


def column_cards(args: dict, stage: str, per_column: int) -> list[dict]:
	"""One column's first `per_column` cards: Frappe's list query (fields, filters, scope, order) for the
	stage, read on the `board_column` index."""
	column = {
		**args,
		"filters": with_stage(args.get("filters"), stage),
		"start": 0,
		"page_length": per_column,
		"run": 0,
	}
	column.pop("doctype", None)
	with_comment_count = column.pop("with_comment_count", False)
	query = DatabaseQuery(OPPORTUNITY)
	table = f"from `tab{OPPORTUNITY}`"
	sql = query.execute(**column).replace(table, f"{table} force index (board_column)", 1)
	cards = frappe.db.sql(sql, as_dict=True)
	if with_comment_count:
		query.add_comment_count(cards)
	return cards


def get_board():
	"""`frappe.desk.reportview.get` for the board request (see `is_board_request`)."""
	args = get_form_params()
	return compress(board_cards(args), args=args)


def place_card(board_name: str, docname: str, from_column: str, to_column: str, old_index, new_index):
	"""A dragged card's place in its column: Frappe's board keeps each column's card order on the Kanban
	Board; the card leaves its old column's order and enters the new one's at the drop position. The board row
	is locked first, so two drags at once queue instead of failing on the board's timestamp."""
	board = frappe.get_doc("Kanban Board", board_name, for_update=True)
	columns = {column.column_name: column for column in board.columns}
	source, target = columns.get(from_column), columns.get(to_column)
	if source is None or target is None:
		frappe.throw(
			frappe._("Column {0} is not on board {1}.").format(
				to_column if target is None else from_column, board_name
			),
			frappe.ValidationError,
		)

	def order_of(column) -> list[str]:
		order = frappe.parse_json(column.order or "[]") or []
		return [name for name in order if isinstance(name, str) and name != docname]

	source_order = order_of(source)
	target_order = source_order if source is target else order_of(target)
	position = max(0, min(frappe.utils.cint(new_index), len(target_order)))
	target_order.insert(position, docname)
	source.order = frappe.as_json(source_order)
	target.order = frappe.as_json(target_order)
	board.save(ignore_permissions=True)
	return board
