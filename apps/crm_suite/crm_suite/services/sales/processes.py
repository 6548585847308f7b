"""Sales processes kept in step with what shows them (SPEC SALE-02): one default process, the opportunity's
Stage options (the union of every process's stages, so a Select field and Frappe's Kanban board can hold
them) and each process's Kanban board columns. Also the seeded default process and loss reasons."""

import frappe
from frappe.custom.doctype.property_setter.property_setter import make_property_setter

OPPORTUNITY = "Sales Opportunity"
DEFAULT_PROCESS = "标准销售流程"
# name, default probability, end kind, feedback note required, required fields
DEFAULT_STAGES = [
	("初步接洽", 10, "Open", 0, ""),
	("需求确认", 30, "Open", 1, "needs"),
	("方案报价", 50, "Open", 0, "expected_amount\nexpected_close_date"),
	("商务谈判", 70, "Open", 1, ""),
	("赢单", 100, "Won", 0, "expected_amount"),
	("输单", 0, "Lost", 1, ""),
	("无效", 0, "Invalid", 0, ""),
]
LOSS_REASONS = [
	"价格过高",
	"选择了竞争对手",
	"需求取消",
	"预算不足",
	"联系不上客户",
	"产品功能不满足",
	"重复商机",
]
INDICATORS = {"Open": "Blue", "Won": "Green", "Lost": "Red", "Invalid": "Gray"}


def sync_process(process) -> None:
	"""After a process is saved."""
	if process.is_default:
		t = frappe.qb.DocType("Sales Process")
		frappe.qb.update(t).set(t.is_default, 0).where((t.name != process.name) & (t.is_default == 1)).run()
	sync_stage_options()
	if frappe.db.exists("Kanban Board", process.name):
		sync_kanban_board(process.name)


def all_stage_names() -> list[str]:
	"""Every process's stages, the default process's first, each name once, in process order."""
	stage, process = frappe.qb.DocType("Sales Process Stage"), frappe.qb.DocType("Sales Process")
	rows = (
		frappe.qb.from_(stage)
		.join(process)
		.on(process.name == stage.parent)
		.select(stage.stage_name)
		.where(stage.parenttype == "Sales Process")
		.orderby(process.is_default, order=frappe.qb.desc)
		.orderby(process.creation)
		.orderby(stage.idx)
		.run(pluck=True)
	)
	return list(dict.fromkeys(rows))


def sync_stage_options() -> None:
	names = all_stage_names()
	if not names:
		return
	options = "\n".join(names)
	if frappe.get_meta(OPPORTUNITY).get_field("stage").options != options:
		make_property_setter(
			OPPORTUNITY, "stage", "options", options, "Text", validate_fields_for_doctype=False
		)
		frappe.clear_cache(doctype=OPPORTUNITY)


def sync_kanban_board(process: str) -> None:
	"""The process's board shows its stages in order; columns of stages it no longer has are archived."""
	stages = frappe.get_all(
		"Sales Process Stage",
		filters={"parent": process, "parenttype": "Sales Process"},
		fields=["stage_name", "end_kind"],
		order_by="idx asc",
	)
	board = frappe.get_doc("Kanban Board", process)
	existing = {c.column_name: c for c in board.columns}
	columns = []
	for s in stages:
		column = existing.pop(s.stage_name, None) or frappe._dict(column_name=s.stage_name, order="[]")
		columns.append(
			{
				"column_name": s.stage_name,
				"status": "Active",
				"indicator": INDICATORS.get(s.end_kind, "Blue"),
				"order": column.get("order") or "[]",
			}
		)
	columns += [
		{"column_name": c.column_name, "status": "Archived", "indicator": c.indicator, "order": c.order}
		for c in existing.values()
	]
	board.set("columns", columns)
	board.save(ignore_permissions=True)


def ensure_kanban_board(process: str) -> None:
	"""A public Kanban board of the process's opportunities by stage (Frappe's own Kanban view)."""
	if not frappe.db.exists("Kanban Board", process):
		frappe.get_doc(
			{
				"doctype": "Kanban Board",
				"kanban_board_name": process,
				"reference_doctype": OPPORTUNITY,
				"field_name": "stage",
				"private": 0,
				"show_labels": 1,
				# the board is for the open pipeline; a card dropped on an end column ends it (under the rules)
				"filters": frappe.as_json(
					[
						[OPPORTUNITY, "sales_process", "=", process, False],
						[OPPORTUNITY, "status", "=", "Open", False],
					]
				),
				"fields": frappe.as_json(["customer_name", "expected_amount", "expected_close_date"]),
				"columns": [],
			}
		).insert(ignore_permissions=True)
	sync_kanban_board(process)


def ensure_sales_defaults() -> None:
	"""Seed the default process, its board and the loss reasons, idempotently (install and a patch)."""
	for reason in LOSS_REASONS:
		if not frappe.db.exists("Deal Loss Reason", reason):
			frappe.get_doc({"doctype": "Deal Loss Reason", "reason_name": reason}).insert(
				ignore_permissions=True
			)
	if not frappe.db.exists("Sales Process", DEFAULT_PROCESS):
		frappe.get_doc(
			{
				"doctype": "Sales Process",
				"process_name": DEFAULT_PROCESS,
				"is_default": 0 if frappe.db.exists("Sales Process", {"is_default": 1}) else 1,
				"stages": [
					{
						"stage_name": name,
						"probability": probability,
						"end_kind": kind,
						"feedback_required": note,
						"required_fields": fields,
					}
					for name, probability, kind, note, fields in DEFAULT_STAGES
				],
			}
		).insert(ignore_permissions=True)
	sync_stage_options()
	ensure_kanban_board(DEFAULT_PROCESS)
