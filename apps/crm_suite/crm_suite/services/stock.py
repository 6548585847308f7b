"""The stock ledger (SPEC SALE-07): append-only Product Stock Ledger Entry rows, posted by submitted stock
movements and order deliveries and reversed (by opposite entries, once) when they are cancelled.

Product Stock Balance keeps one row per product × warehouse whose qty is the sum of that pair's ledger
entries; it exists to be locked. Every posting first locks the balance rows it touches, in one sorted
order (`INSERT … ON DUPLICATE KEY UPDATE` takes the row's exclusive lock, creating it when new; the
`SELECT … FOR UPDATE` after it reads the latest committed quantity, not the transaction's snapshot), then
checks that no stocked product goes below zero, then appends the entries and moves the balances in the
same transaction. Two concurrent issues of the last unit therefore queue on the row: the second sees the
first's result and is refused. `ledger_mismatches()` proves the balances equal the ledger sums.
"""

from collections import defaultdict
from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import flt, now_datetime

from crm_suite.policies.order_math import dec

LEDGER = "Product Stock Ledger Entry"
BALANCE = "Product Stock Balance"
LEDGER_COLUMNS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"product",
	"warehouse",
	"qty_change",
	"posted_on",
	"voucher_type",
	"voucher_no",
	"voucher_line",
	"is_reversal",
)


class NegativeStockError(frappe.ValidationError):
	pass


class NotStockedError(frappe.ValidationError):
	pass


@dataclass(frozen=True)
class StockChange:
	product: str
	warehouse: str
	qty: float  # + into the warehouse, − out of it
	voucher_line: str | None = None


def balance_name(product: str, warehouse: str) -> str:
	"""The balance row's name, as the doctype's `format:{product}-{warehouse}` makes it."""
	return f"{product}-{warehouse}"


def lock_balances(pairs) -> dict[tuple[str, str], float]:
	"""Lock (and create when missing) the balance rows of (product, warehouse) pairs in sorted order; their
	current quantities. Held until the transaction ends."""
	pairs = sorted(set(pairs))
	if not pairs:
		return {}
	now, user = now_datetime(), frappe.session.user
	for product, warehouse in pairs:
		# one statement per row, in order: a multi-row insert could lock in the server's order instead
		frappe.db.sql(
			f"""insert into `tab{BALANCE}` (name, product, warehouse, qty, creation, modified, owner, modified_by)
			values (%s, %s, %s, 0, %s, %s, %s, %s)
			on duplicate key update name = name""",
			(balance_name(product, warehouse), product, warehouse, now, now, user, user),
		)
	table = frappe.qb.DocType(BALANCE)
	rows = (
		frappe.qb.from_(table)
		.select(table.product, table.warehouse, table.qty)
		.where(table.name.isin([balance_name(p, w) for p, w in pairs]))
		.for_update()
		.run()
	)
	return {(p, w): flt(q) for p, w, q in rows}


def available(product: str, warehouse: str) -> float:
	"""The product's balance in the warehouse (no lock: for display and reports)."""
	return flt(frappe.db.get_value(BALANCE, balance_name(product, warehouse), "qty"))


def stocked_products(products) -> set[str]:
	products = sorted(set(filter(None, products)))
	if not products:
		return set()
	return set(
		frappe.get_all("Sales Product", filters={"name": ("in", products), "is_stocked": 1}, pluck="name")
	)


def post(voucher_type: str, voucher_no: str, changes: list[StockChange], is_reversal: bool = False):
	"""Append the changes to the ledger and move the balances, refusing any that would leave a product below
	zero in a warehouse. Only stocked products are tracked; others are refused (callers filter them)."""
	changes = [c for c in changes if flt(c.qty)]
	if not changes:
		return
	stocked = stocked_products(c.product for c in changes)
	if missing := sorted({c.product for c in changes} - stocked):
		frappe.throw(
			_("Stock is not kept for {0}: mark the product as stocked first.").format(", ".join(missing)),
			NotStockedError,
			title=_("Not a Stocked Product"),
		)
	net: dict[tuple[str, str], object] = defaultdict(lambda: dec(0))
	for change in changes:
		net[(change.product, change.warehouse)] += dec(change.qty)
	balances = lock_balances(net)
	for (product, warehouse), change in sorted(net.items()):
		after = dec(balances.get((product, warehouse), 0)) + change
		if after < 0:
			frappe.throw(
				_("Not enough stock of {0} in {1}: {2} available, {3} needed.").format(
					frappe.bold(product),
					frappe.bold(warehouse),
					balances.get((product, warehouse), 0),
					-change,
				),
				NegativeStockError,
				title=_("Insufficient Stock"),
			)
	now, user = now_datetime(), frappe.session.user
	frappe.db.bulk_insert(
		LEDGER,
		LEDGER_COLUMNS,
		[
			(
				frappe.generate_hash(length=12),
				now,
				now,
				user,
				user,
				c.product,
				c.warehouse,
				flt(c.qty),
				now,
				voucher_type,
				voucher_no,
				c.voucher_line,
				int(is_reversal),
			)
			for c in changes
		],
	)
	table = frappe.qb.DocType(BALANCE)
	for (product, warehouse), change in net.items():
		if change:
			frappe.qb.update(table).set(table.qty, table.qty + float(change)).set(table.modified, now).where(
				table.name == balance_name(product, warehouse)
			).run()


def reverse(voucher_type: str, voucher_no: str):
	"""Post the opposite of a voucher's entries, once: a voucher already reversed is left alone."""
	ledger = frappe.qb.DocType(LEDGER)
	rows = (
		frappe.qb.from_(ledger)
		.select(ledger.product, ledger.warehouse, ledger.qty_change, ledger.voucher_line, ledger.is_reversal)
		.where((ledger.voucher_type == voucher_type) & (ledger.voucher_no == voucher_no))
		.run(as_dict=True)
	)
	if any(r.is_reversal for r in rows):
		return
	post(
		voucher_type,
		voucher_no,
		[StockChange(r.product, r.warehouse, -flt(r.qty_change), r.voucher_line) for r in rows],
		is_reversal=True,
	)


def ledger_mismatches() -> list[dict]:
	"""Balance rows whose qty differs from the sum of their ledger entries, and ledger pairs without a balance
	row (empty when the ledger and the balances agree)."""
	return frappe.db.sql(
		f"""select coalesce(b.product, l.product) as product, coalesce(b.warehouse, l.warehouse) as warehouse,
			b.qty as balance, l.total as ledger
		from `tab{BALANCE}` b
		left join (select product, warehouse, sum(qty_change) as total from `tab{LEDGER}`
			group by product, warehouse) l on l.product = b.product and l.warehouse = b.warehouse
		where abs(b.qty - coalesce(l.total, 0)) > 1e-9
		union all
		select l.product, l.warehouse, null, sum(l.qty_change) from `tab{LEDGER}` l
		left join `tab{BALANCE}` b on b.product = l.product and b.warehouse = l.warehouse
		where b.name is null group by l.product, l.warehouse""",
		as_dict=True,
	)
