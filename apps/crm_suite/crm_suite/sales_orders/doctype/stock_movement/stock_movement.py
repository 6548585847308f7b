# Copyright (c) 2026, crm_suite contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from crm_suite.policies.order_math import dec, stock_take_difference
from crm_suite.services import stock


class StockMovement(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_suite.sales_orders.doctype.stock_movement_line.stock_movement_line import StockMovementLine

		amended_from: DF.Link | None
		lines: DF.Table[StockMovementLine]
		movement_type: DF.Literal["Stock In", "Stock Out", "Transfer", "Stock Take"]
		naming_series: DF.Literal["STM-.YYYY.-"]
		posting_date: DF.Date
		remarks: DF.SmallText | None
		to_warehouse: DF.Link | None
		warehouse: DF.Link
	# end: auto-generated types
	"""A stock movement (SPEC SALE-07): goods received (In), issued (Out), moved between warehouses
	(Transfer) or counted (Stock Take: each line's qty is the counted quantity, and the ledger receives
	the difference from the balance at submit). Submitting posts to the ledger; cancelling reverses it."""

	def validate(self):
		self.validate_warehouses()
		self.validate_lines()

	def validate_warehouses(self):
		if self.movement_type == "Transfer":
			if not self.to_warehouse or self.to_warehouse == self.warehouse:
				frappe.throw(
					_("A transfer needs a To Warehouse different from its warehouse."),
					InvalidMovementError,
					title=_("Invalid Stock Movement"),
				)
		else:
			self.to_warehouse = None

	def validate_lines(self):
		if not self.get("lines"):
			frappe.throw(_("Add at least one product line."), InvalidMovementError, title=_("No Lines"))
		counting = self.movement_type == "Stock Take"
		seen = set()
		for line in self.lines:
			try:
				qty = dec(line.qty)
			except ValueError:
				qty = None
			if qty is None or (qty < 0 if counting else qty <= 0):
				frappe.throw(
					_("Line {0}: the quantity must be greater than zero.").format(line.idx)
					if not counting
					else _("Line {0}: the counted quantity cannot be negative.").format(line.idx),
					InvalidMovementError,
					title=_("Invalid Line"),
				)
			if counting and line.product in seen:
				frappe.throw(
					_("Line {0}: {1} is counted twice in this stock-take.").format(line.idx, line.product),
					InvalidMovementError,
					title=_("Invalid Line"),
				)
			seen.add(line.product)
			line.posted_qty = 0
		if missing := sorted(
			{line.product for line in self.lines if line.product} - stock.stocked_products(seen)
		):
			frappe.throw(
				_("Stock is not kept for {0}: mark the product as stocked first.").format(", ".join(missing)),
				stock.NotStockedError,
				title=_("Not a Stocked Product"),
			)

	def on_submit(self):
		changes = self.stock_changes()
		stock.post(self.doctype, self.name, changes)
		posted = {}
		for change in changes:
			if change.warehouse != self.warehouse:
				continue  # a transfer's line shows what left its warehouse
			posted[change.voucher_line] = posted.get(change.voucher_line, 0) + change.qty
		line_table = frappe.qb.DocType("Stock Movement Line")
		for line in self.lines:
			line.posted_qty = posted.get(line.name, 0)
			frappe.qb.update(line_table).set(line_table.posted_qty, line.posted_qty).where(
				line_table.name == line.name
			).run()

	def stock_changes(self) -> list[stock.StockChange]:
		kind, out = self.movement_type, []
		if kind == "Stock Take":
			# lock first, then read: the difference is taken against a balance nobody else can move now
			balances = stock.lock_balances((line.product, self.warehouse) for line in self.lines)
			for line in self.lines:
				diff = stock_take_difference(line.qty, balances.get((line.product, self.warehouse), 0))
				out.append(stock.StockChange(line.product, self.warehouse, float(diff), line.name))
			return out
		for line in self.lines:
			qty = flt(line.qty)
			if kind == "Stock In":
				out.append(stock.StockChange(line.product, self.warehouse, qty, line.name))
			elif kind == "Stock Out":
				out.append(stock.StockChange(line.product, self.warehouse, -qty, line.name))
			elif kind == "Transfer":
				out.append(stock.StockChange(line.product, self.warehouse, -qty, line.name))
				out.append(stock.StockChange(line.product, self.to_warehouse, qty, line.name))
		return out

	def on_cancel(self):
		stock.reverse(self.doctype, self.name)


class InvalidMovementError(frappe.ValidationError):
	pass
