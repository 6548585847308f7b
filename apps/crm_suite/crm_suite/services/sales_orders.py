"""Quotation → order → delivery (SPEC SALE-04) and the stock they move (SALE-07).

- A quoted (submitted) quotation turns into a draft Customer Order with the same lines (get_mapped_doc).
- Submitting an order checks, under the balance rows' locks, that every stocked line is available in its
  warehouse; stock is not reserved: it is issued by Order Delivery (出库/发货), whose submit locks the order
  row (so two deliveries cannot both ship its last units), checks each line against what is left to deliver,
  and posts the stock out, refused below zero. Delivered qty per line and the order's shipment status are
  recounted from the order's submitted deliveries each time, never incremented.
- Cancelling a delivery reverses its stock once; cancelling an order cancels its submitted deliveries first,
  so its stock comes back exactly once.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.model.mapper import get_mapped_doc
from frappe.query_builder.functions import Sum
from frappe.utils import flt

from crm_suite.policies import order_math
from crm_suite.services import stock


class OrderStateError(frappe.ValidationError):
	pass


class OverDeliveryError(frappe.ValidationError):
	pass


def default_warehouse() -> str | None:
	return frappe.db.get_value("Product Warehouse", {"is_default": 1, "enabled": 1}, "name")


def make_customer_order(quotation: str, target_doc=None):
	"""A new, unsaved Customer Order from a submitted quotation: customer, contact, currency and every line."""
	source = frappe.get_doc("Sales Quotation", quotation)
	source.check_permission("read")
	if source.docstatus != 1 or source.status != "Quoted":
		frappe.throw(
			_("Only a submitted quotation that is not yet ordered can become an order ({0} is {1}).").format(
				quotation, _(source.status)
			),
			OrderStateError,
			title=_("Not Allowed"),
		)

	def set_missing(source_doc, target):
		target.warehouse = target.warehouse or default_warehouse()
		target.salesperson = source_doc.salesperson

	return get_mapped_doc(
		"Sales Quotation",
		quotation,
		{
			"Sales Quotation": {
				"doctype": "Customer Order",
				"field_map": {"name": "quotation"},
				"field_no_map": ["transaction_date", "valid_till", "remarks"],
				"validation": {"docstatus": ["=", 1]},
			},
			"Sales Quotation Line": {
				"doctype": "Customer Order Line",
				"field_map": {"name": "quotation_line"},
			},
		},
		target_doc,
		set_missing,
	)


def remaining_by_line(order, exclude: str | None = None, for_update: bool = False) -> dict[str, float]:
	"""What is left to deliver of each order line, from the order's submitted deliveries (but `exclude`)."""
	delivered = delivered_by_line(order.name, exclude, for_update)
	return {line.name: flt(line.qty) - delivered.get(line.name, 0) for line in order.lines}


def delivered_by_line(
	order_name: str, exclude: str | None = None, for_update: bool = False
) -> dict[str, float]:
	"""Delivered qty per order line. Under the order's lock pass for_update: a locking read sees deliveries
	committed after this transaction's snapshot (MariaDB's repeatable read)."""
	delivery = frappe.qb.DocType("Order Delivery")
	line = frappe.qb.DocType("Order Delivery Line")
	query = (
		frappe.qb.from_(line)
		.join(delivery)
		.on(delivery.name == line.parent)
		.select(line.order_line, Sum(line.qty))
		.where(
			(delivery.customer_order == order_name)
			& (delivery.docstatus == 1)
			& (line.parenttype == "Order Delivery")
		)
		.groupby(line.order_line)
	)
	if exclude:
		query = query.where(delivery.name != exclude)
	if for_update:
		query = query.for_update()
	rows = query.run()
	return {order_line: flt(qty) for order_line, qty in rows}


def make_order_delivery(order: str, target_doc=None):
	"""A new, unsaved delivery of everything still to be delivered on a confirmed order."""
	source = frappe.get_doc("Customer Order", order)
	source.check_permission("read")
	check_order_open(source)
	remaining = remaining_by_line(source)

	def update_line(source_line, target_line, source_parent):
		target_line.qty = remaining.get(source_line.name, 0)
		target_line.warehouse = source_line.warehouse or source_parent.warehouse

	return get_mapped_doc(
		"Customer Order",
		order,
		{
			"Customer Order": {
				"doctype": "Order Delivery",
				"field_map": {"name": "customer_order"},
				"field_no_map": ["remarks", "transaction_date"],
				"validation": {"docstatus": ["=", 1]},
			},
			"Customer Order Line": {
				"doctype": "Order Delivery Line",
				"field_map": {"name": "order_line"},
				"postprocess": update_line,
				"condition": lambda line: remaining.get(line.name, 0) > 0,
			},
		},
		target_doc,
	)


def check_order_open(order):
	if order.docstatus != 1:
		frappe.throw(
			_("Order {0} is not confirmed (submitted); only confirmed orders are delivered.").format(
				order.name
			),
			OrderStateError,
			title=_("Not Allowed"),
		)


def lock_order(order_name: str):
	"""The order row's exclusive lock, held until commit: deliveries of one order go one at a time."""
	table = frappe.qb.DocType("Customer Order")
	frappe.qb.from_(table).select(table.name).where(table.name == order_name).for_update().run()


def check_delivery_lines(delivery, order, for_update: bool = False):
	"""Each delivery line names a line of its order, with a positive qty not above what is left; its
	product comes from the order line and its warehouse defaults to it."""
	lines = {line.name: line for line in order.lines}
	remaining = remaining_by_line(order, exclude=delivery.name, for_update=for_update)
	asked: dict[str, float] = defaultdict(float)
	for line in delivery.lines:
		order_line = lines.get(line.order_line)
		if not order_line:
			frappe.throw(
				_("Line {0}: it is not a line of order {1}.").format(line.idx, order.name),
				OverDeliveryError,
				title=_("Invalid Line"),
			)
		line.product = order_line.product
		line.warehouse = line.warehouse or order_line.warehouse or order.warehouse or default_warehouse()
		if order_math.line_problem(line.qty, 0, 0, 0):
			frappe.throw(
				_("Line {0}: the quantity must be greater than zero.").format(line.idx),
				OverDeliveryError,
				title=_("Invalid Line"),
			)
		asked[line.order_line] += flt(line.qty)
		if asked[line.order_line] > remaining.get(line.order_line, 0) + 1e-9:
			frappe.throw(
				_("Line {0}: only {1} of {2} are left to deliver on this order.").format(
					line.idx, flt(remaining.get(line.order_line, 0)), order_line.product_name
				),
				OverDeliveryError,
				title=_("Too Much Delivered"),
			)


def issue_delivery(delivery):
	"""On submit: lock the order, check the lines again against what is left, issue the stock."""
	lock_order(delivery.customer_order)
	order = frappe.get_doc("Customer Order", delivery.customer_order)
	check_order_open(order)
	check_delivery_lines(delivery, order, for_update=True)
	stocked = stock.stocked_products(line.product for line in delivery.lines)
	stock.post(
		"Order Delivery",
		delivery.name,
		[
			stock.StockChange(line.product, line.warehouse, -flt(line.qty), line.name)
			for line in delivery.lines
			if line.product in stocked
		],
	)
	update_delivered(order)


def return_delivery(delivery):
	"""On cancel: the delivery's stock comes back (once) and the order's delivered quantities are recounted."""
	lock_order(delivery.customer_order)
	stock.reverse("Order Delivery", delivery.name)
	update_delivered(frappe.get_doc("Customer Order", delivery.customer_order))


def update_delivered(order):
	"""Delivered qty per line, % delivered, shipment status and status, recounted from submitted deliveries."""
	delivered = delivered_by_line(order.name, for_update=True)
	line_table = frappe.qb.DocType("Customer Order Line")
	pairs = []
	for line in order.lines:
		done = delivered.get(line.name, 0)
		pairs.append((line.qty, done))
		if flt(line.delivered_qty) != done:
			frappe.qb.update(line_table).set(line_table.delivered_qty, done).where(
				line_table.name == line.name
			).run()
			line.delivered_qty = done
	status = order_math.shipment_status(pairs)
	ordered = sum(flt(q) for q, _ in pairs)
	shipped = sum(min(flt(d), flt(q)) for q, d in pairs)
	values = {
		"shipment_status": status,
		"per_delivered": flt(shipped * 100 / ordered, 2) if ordered else 0,
	}
	if order.docstatus == 1:
		values["status"] = "Completed" if status == order_math.FULLY_DELIVERED else "Confirmed"
	order.db_set(values, notify=True)


def check_availability(order):
	"""On order submit: every stocked line is available in its warehouse now (checked under the balance rows'
	locks; nothing is reserved — the delivery issues the stock and is refused if it has gone meanwhile)."""
	stocked = stock.stocked_products(line.product for line in order.lines)
	needed: dict[tuple[str, str], float] = defaultdict(float)
	for line in order.lines:
		if line.product in stocked:
			needed[(line.product, line.warehouse)] += flt(line.qty)
	if not needed:
		return
	balances = stock.lock_balances(needed)
	for (product, warehouse), qty in sorted(needed.items()):
		have = balances.get((product, warehouse), 0)
		if have + 1e-9 < qty:
			name = next(line.product_name for line in order.lines if line.product == product)
			frappe.throw(
				_("Not enough stock of {0} in {1}: {2} available, {3} ordered.").format(
					frappe.bold(name), frappe.bold(warehouse), flt(have), flt(qty)
				),
				stock.NegativeStockError,
				title=_("Insufficient Stock"),
			)


def cancel_deliveries(order):
	"""Before an order is cancelled: cancel its submitted deliveries, each returning its own stock once."""
	for name in frappe.get_all(
		"Order Delivery", filters={"customer_order": order.name, "docstatus": 1}, pluck="name"
	):
		frappe.get_doc("Order Delivery", name).cancel()


def quotation_ordered(quotation: str | None, ordered: bool):
	"""Mark the source quotation Ordered when an order from it is confirmed, Quoted again when none is."""
	if not quotation:
		return
	if not ordered and frappe.db.exists("Customer Order", {"quotation": quotation, "docstatus": 1}):
		return
	frappe.db.set_value("Sales Quotation", quotation, "status", "Ordered" if ordered else "Quoted")
