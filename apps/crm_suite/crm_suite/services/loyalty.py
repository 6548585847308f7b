"""Loyalty points (SPEC SALE-08): switches, rules, order line points, the append-only points ledger and the
balance kept beside it, redemptions for gifts, reversals and expiry.

- Switches: on/off globally (CRM Suite Settings), per customer type (Customer Kind) and per customer
  (Customer Account); a customer earns points only when all three are on.
- Rules (Customer Points Rule) per product × unit × customer type; an order's lines take their rules in one
  query and their points are computed on every draft save. A line's points may be edited by hand: the edit is
  kept (points_edited), audited in Points Edit Log (who, when, old, new) and no longer recomputed.
- Ledger (Customer Points Entry) rows are only ever appended, by `post()`: an accrual on order submit, a
  reversal on order cancel (once), refund reversals in proportion to the refunded amount (never more than was
  accrued), redemptions (submitted Gift Redemption) and their reversals, expiry rows from the daily job.
- Customer Points Balance keeps one row per customer whose points are the sum of that customer's ledger; every
  posting locks it first (INSERT … ON DUPLICATE KEY UPDATE takes the row's lock, creating it when new, the
  SELECT … FOR UPDATE after it reads the latest committed value) and moves it in the same transaction, so
  concurrent redemptions queue on it and the second sees the first's result: a redemption above the balance is
  refused. `ledger_mismatches()` proves balance == ledger sum.
"""

from collections import defaultdict
from dataclasses import dataclass

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import add_days, cint, flt, getdate, now_datetime, nowdate

from crm_suite.policies import points as policy

LEDGER = "Customer Points Entry"
BALANCE = "Customer Points Balance"
RULE = "Customer Points Rule"
GIFT = "Points Gift"
EDIT_LOG = "Points Edit Log"
REFUND = "Customer Refund"  # made by the payments module (SPEC SALE-06); may not exist on a site yet

ACCRUAL = "Accrual"
REVERSAL = "Reversal"
REFUND_REVERSAL = "Refund Reversal"
REDEMPTION = "Redemption"
REDEMPTION_REVERSAL = "Redemption Reversal"
EXPIRY = "Expiry"
ORDER_TYPES = (ACCRUAL, REVERSAL, REFUND_REVERSAL)
SPENDING_TYPES = (REDEMPTION, REDEMPTION_REVERSAL)

LEDGER_COLUMNS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"customer",
	"points",
	"entry_type",
	"posted_on",
	"expires_on",
	"voucher_type",
	"voucher_no",
	"customer_order",
)
BULK_RULE_LIMIT = 5000


class LedgerIsAppendOnly(frappe.PermissionError):
	pass


class InsufficientPointsError(frappe.ValidationError):
	pass


class LoyaltyOffError(frappe.ValidationError):
	pass


class InvalidPointsError(frappe.ValidationError):
	pass


class GiftUnavailableError(frappe.ValidationError):
	pass


@dataclass(frozen=True)
class Entry:
	customer: str
	points: int
	entry_type: str
	voucher_type: str
	voucher_no: str
	customer_order: str | None = None
	expires_on: object = None


def refuse_manual_change():
	frappe.throw(
		_(
			"Points ledger rows and balances are written by the system only: they cannot be made, edited or deleted by hand."
		),
		LedgerIsAppendOnly,
		title=_("Not Permitted"),
	)


# ---------------------------------------------------------------------------------------------------------
# Switches


def loyalty_enabled() -> bool:
	return bool(cint(frappe.db.get_single_value("CRM Suite Settings", "enable_loyalty_points")))


def expiry_days() -> int:
	return max(0, cint(frappe.db.get_single_value("CRM Suite Settings", "points_expiry_days")))


def customer_points_profile(customer: str | None) -> tuple[bool, str | None]:
	"""(does the customer earn points, their customer type): the three switches in one query."""
	if not customer or not loyalty_enabled():
		return False, None
	account = frappe.qb.DocType("Customer Account")
	kind = frappe.qb.DocType("Customer Kind")
	rows = (
		frappe.qb.from_(account)
		.left_join(kind)
		.on(kind.name == account.customer_kind)
		.select(account.earns_points, account.customer_kind, kind.earns_points)
		.where(account.name == customer)
		.run()
	)
	if not rows:
		return False, None
	customer_on, customer_kind, kind_on = rows[0]
	return bool(cint(customer_on)) and (not customer_kind or bool(cint(kind_on))), customer_kind


# ---------------------------------------------------------------------------------------------------------
# Rules


def validate_rule(rule):
	if rule.basis not in policy.BASES:
		frappe.throw(_("Choose Per Unit or Per Amount as the points basis."), InvalidPointsError)
	if flt(rule.rate) < 0:
		frappe.throw(_("The points rate cannot be negative."), InvalidPointsError, title=_("Invalid Rule"))
	rule.rule_key = policy.rule_key(rule.product, rule.unit, rule.customer_kind)
	if frappe.db.exists(RULE, {"rule_key": rule.rule_key, "name": ("!=", rule.name)}):
		frappe.throw(
			_("A points rule for {0} with this unit and customer type exists already: edit that one.").format(
				frappe.bold(rule.product)
			),
			frappe.DuplicateEntryError,
			title=_("Duplicate Rule"),
		)


def rules_for(products, customer_kind: str | None) -> list[policy.Rule]:
	"""Every enabled rule that may apply to the products for a customer of this type, in one query."""
	products = sorted(set(filter(None, products)))
	if not products:
		return []
	table = frappe.qb.DocType(RULE)
	kinds = table.customer_kind.isnull() | (table.customer_kind == "")
	if customer_kind:
		kinds = kinds | (table.customer_kind == customer_kind)
	rows = (
		frappe.qb.from_(table)
		.select(table.product, table.unit, table.customer_kind, table.basis, table.rate)
		.where(table.product.isin(products) & (table.enabled == 1) & kinds)
		.run()
	)
	return [policy.Rule(*row) for row in rows]


def set_rules_in_bulk(
	products: list[str], unit: str | None, customer_kind: str | None, basis: str, rate, enabled: int = 1
) -> int:
	"""One rule (unit × customer type → basis, rate) for many products at once: new rules are inserted, the
	existing ones for the same product × unit × type updated, in set-based statements. The number of rules."""
	if basis not in policy.BASES:
		frappe.throw(_("Choose Per Unit or Per Amount as the points basis."), InvalidPointsError)
	try:
		rate = float(policy.dec(rate))
	except ValueError:
		frappe.throw(_("The points rate must be a number."), InvalidPointsError)
	if rate < 0:
		frappe.throw(_("The points rate cannot be negative."), InvalidPointsError, title=_("Invalid Rule"))
	for doctype, value in (("Product Unit", unit), ("Customer Kind", customer_kind)):
		if value and not frappe.db.exists(doctype, value):
			frappe.throw(_("{0} {1} not found").format(_(doctype), value), frappe.DoesNotExistError)
	names = sorted(set(filter(None, products or [])))
	if len(names) > BULK_RULE_LIMIT:
		frappe.throw(_("Set at most {0} products at once.").format(BULK_RULE_LIMIT), InvalidPointsError)
	found = (
		frappe.get_all(
			"Sales Product",
			filters={"name": ("in", names)},
			fields=["name", "product_name"],
			limit=len(names),
		)
		if names
		else []
	)
	if not found:
		frappe.throw(_("Choose at least one existing product."), InvalidPointsError, title=_("No Products"))
	now, user = now_datetime(), frappe.session.user
	rows = [
		(
			frappe.generate_hash(length=10),
			now,
			now,
			user,
			user,
			p.name,
			p.product_name,
			unit or None,
			customer_kind or None,
			basis,
			rate,
			int(bool(cint(enabled))),
			policy.rule_key(p.name, unit, customer_kind),
		)
		for p in found
	]
	for start in range(0, len(rows), 500):
		chunk = rows[start : start + 500]
		placeholders = ", ".join(["(" + ", ".join(["%s"] * 13) + ")"] * len(chunk))
		frappe.db.sql(
			f"""insert into `tab{RULE}` (name, creation, modified, owner, modified_by, product, product_name,
				unit, customer_kind, basis, rate, enabled, rule_key)
			values {placeholders}
			on duplicate key update basis = values(basis), rate = values(rate), enabled = values(enabled),
				modified = values(modified), modified_by = values(modified_by)""",
			tuple(v for row in chunk for v in row),
		)
	return len(rows)


# ---------------------------------------------------------------------------------------------------------
# Order line points (Customer Order doc_events)


def set_order_points(order, method=None):
	"""validate: each line's points from its rule (one query for all lines), hand edits kept and audited, the
	order's total. Only drafts (and the submit itself) are computed; customers who earn no points get none."""
	if order.docstatus == 1 and order.get("_action") != "submit":
		return
	eligible, customer_kind = customer_points_profile(order.customer)
	rules = rules_for((line.product for line in order.lines), customer_kind) if eligible else []
	before = order.get_doc_before_save() if not order.is_new() else None
	previous = {line.name: cint(line.points) for line in before.lines} if before else {}
	edits = []
	total = 0
	for line in order.lines:
		computed = (
			policy.line_points(
				policy.pick_rule(rules, line.product, line.unit, customer_kind), line.qty, line.amount
			)
			if eligible
			else 0
		)
		line.computed_points = computed
		if not eligible:
			line.points, line.points_edited = 0, 0
			continue
		given = line.get("points")
		if given not in (None, "") and cint(given) < 0:
			frappe.throw(
				_("Line {0}: points cannot be negative.").format(line.idx),
				InvalidPointsError,
				title=_("Invalid Points"),
			)
		if line.name in previous:
			old = previous[line.name]
			if cint(given) != old:
				line.points_edited = int(cint(given) != computed)
				edits.append((line, old))
			elif not line.points_edited:
				line.points = computed
		elif cint(given) and cint(given) != computed:
			line.points_edited = 1
			edits.append((line, computed))
		else:
			line.points, line.points_edited = computed, 0
		line.points = cint(line.points)
		total += line.points
	order.total_points = total
	order.flags.points_edits = [
		(line.name, line.product, old, cint(line.points), cint(line.computed_points)) for line, old in edits
	]


def write_edit_logs(order, method=None):
	"""on_update / on_submit: the audit rows of this save's hand edits, in one insert."""
	edits = order.flags.pop("points_edits", None)
	if not edits:
		return
	now, user = now_datetime(), frappe.session.user
	frappe.db.bulk_insert(
		EDIT_LOG,
		(
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"customer_order",
			"order_line",
			"product",
			"customer_account",
			"old_points",
			"new_points",
			"computed_points",
			"edited_by",
			"edited_on",
		),
		[
			(frappe.generate_hash(length=12), now, now, user, user, order.name, line, product, order.customer)
			+ (old, new, computed, user, now)
			for line, product, old, new, computed in edits
		],
	)


def lock_order_points(order_name: str) -> frappe._dict | None:
	"""The order row, locked (a unique-key locking read: no gap locks), with the latest committed points state:
	every posting about an order's points (accrual, reversal, refunds) queues on it, then on the balance."""
	table = frappe.qb.DocType("Customer Order")
	rows = (
		frappe.qb.from_(table)
		.select(
			table.customer, table.grand_total, table.docstatus, table.accrued_points, table.reversed_points
		)
		.where(table.name == order_name)
		.for_update()
		.run(as_dict=True)
	)
	return rows[0] if rows else None


def refresh_order_points(order, method=None):
	"""before_cancel / before_update_after_submit: the order's points state as committed (refunds move it on
	the row), so that the document's own save does not write back stale values."""
	state = lock_order_points(order.name)
	if state:
		order.accrued_points, order.reversed_points = state.accrued_points, state.reversed_points


def _set_order_points(order_name: str, **values):
	table = frappe.qb.DocType("Customer Order")
	query = frappe.qb.update(table).where(table.name == order_name)
	for field, value in values.items():
		query = query.set(table[field], cint(value))
	query.run()


def accrue_order(order, method=None):
	"""on_submit: the order's points go into the ledger, once."""
	write_edit_logs(order)
	points = sum(cint(line.points) for line in order.lines)
	if points <= 0 or not customer_points_profile(order.customer)[0]:
		return
	state = lock_order_points(order.name)
	if not state or cint(state.accrued_points):
		return
	days = expiry_days()
	expires_on = add_days(getdate(nowdate()), days) if days else None
	post([Entry(order.customer, points, ACCRUAL, "Customer Order", order.name, order.name, expires_on)])
	_set_order_points(order.name, accrued_points=points, reversed_points=0)
	order.accrued_points, order.reversed_points = points, 0


def accrual_expiry(order_name: str):
	"""The expiry date of the order's accrual: its reversals expire (cancel out) with it."""
	return frappe.db.get_value(
		LEDGER, {"customer_order": order_name, "entry_type": ACCRUAL}, "expires_on", order_by=None
	)


def reverse_order(order, method=None):
	"""on_cancel: what is left of the order's accrual goes back out of the ledger, exactly once."""
	state = lock_order_points(order.name)
	if not state:
		return
	left = cint(state.accrued_points) - cint(state.reversed_points)
	if left <= 0:
		return
	post(
		[
			Entry(
				state.customer,
				-left,
				REVERSAL,
				"Customer Order",
				order.name,
				order.name,
				accrual_expiry(order.name),
			)
		]
	)
	_set_order_points(order.name, reversed_points=state.accrued_points)
	order.reversed_points = cint(state.accrued_points)


# ---------------------------------------------------------------------------------------------------------
# Refunds (Customer Refund doc_events; the doctype comes with payments, SPEC SALE-06)


def refunded_total(order_name: str, this_refund) -> object:
	"""The order's refunded amount so far: its submitted refunds (this one included)."""
	if not frappe.db.exists("DocType", REFUND):
		return policy.dec(this_refund.get("amount"))
	table = frappe.qb.DocType(REFUND)
	rows = (
		frappe.qb.from_(table)
		.select(Sum(table.amount))
		.where(
			(table.customer_order == order_name) & (table.docstatus == 1) & (table.name != this_refund.name)
		)
		.run()
	)
	return policy.dec(rows[0][0] if rows else 0) + policy.dec(this_refund.get("amount"))


def refund_submitted(refund, method=None):
	"""A refund of a confirmed order takes back the order's points in proportion to the refunded amount / the
	order's grand total (all refunds so far counted together), never more than the order accrued."""
	order_name = refund.get("customer_order")
	if not order_name:
		return
	state = lock_order_points(order_name)
	if not state or state.docstatus != 1 or not cint(state.accrued_points):
		return
	taken = cint(state.reversed_points)
	points = policy.refund_reversal(
		state.accrued_points, taken, refunded_total(order_name, refund), state.grand_total
	)
	if points:
		post(
			[
				Entry(
					state.customer,
					-points,
					REFUND_REVERSAL,
					refund.doctype,
					refund.name,
					order_name,
					accrual_expiry(order_name),
				)
			]
		)
		_set_order_points(order_name, reversed_points=taken + points)


def refund_cancelled(refund, method=None):
	"""A cancelled refund gives back the points it took, once (its entries then sum to zero); not after its
	order was cancelled, whose reversal took the rest."""
	order_name = refund.get("customer_order")
	state = lock_order_points(order_name) if order_name else None
	if not state or state.docstatus != 1:
		return
	table = frappe.qb.DocType(LEDGER)
	rows = (
		frappe.qb.from_(table)
		.select(Sum(table.points))
		.where((table.voucher_type == refund.doctype) & (table.voucher_no == refund.name))
		.run()
	)
	taken = -cint(rows[0][0] if rows else 0)
	if taken <= 0:
		return
	post(
		[
			Entry(
				state.customer,
				taken,
				REFUND_REVERSAL,
				refund.doctype,
				refund.name,
				order_name,
				accrual_expiry(order_name),
			)
		]
	)
	_set_order_points(order_name, reversed_points=max(0, cint(state.reversed_points) - taken))


# ---------------------------------------------------------------------------------------------------------
# Gifts and redemptions


def validate_gift(gift):
	if cint(gift.points_cost) <= 0:
		frappe.throw(_("A gift costs at least one point."), InvalidPointsError, title=_("Invalid Gift"))
	if cint(gift.stock_qty) < 0:
		frappe.throw(_("The gift's stock cannot be negative."), InvalidPointsError, title=_("Invalid Gift"))


def validate_redemption(doc):
	if doc.is_new() and not doc.salesperson:
		doc.salesperson = frappe.session.user
	if doc.customer and (doc.is_new() or doc.has_value_changed("customer")):
		frappe.has_permission("Customer Account", "read", doc.customer, throw=True)
	if cint(doc.qty) <= 0:
		frappe.throw(_("Redeem at least one gift."), InvalidPointsError, title=_("Invalid Quantity"))
	gift = frappe.db.get_value(GIFT, doc.gift, ["points_cost", "enabled"], as_dict=True)
	if not gift or not gift.enabled:
		frappe.throw(
			_("{0} is not an active gift.").format(frappe.bold(doc.gift or "")),
			GiftUnavailableError,
			title=_("Gift Unavailable"),
		)
	doc.points = cint(gift.points_cost) * cint(doc.qty)


def redeem(doc):
	"""on_submit: lock the customer's balance, then the gift; refuse above the balance or the gift's stock;
	post the points out and take the gifts out of stock, in this transaction."""
	if not loyalty_enabled():
		frappe.throw(_("Loyalty points are switched off."), LoyaltyOffError, title=_("Not Allowed"))
	balances = lock_balances([doc.customer])
	gift_table = frappe.qb.DocType(GIFT)
	gift = (
		frappe.qb.from_(gift_table)
		.select(gift_table.points_cost, gift_table.enabled, gift_table.track_stock, gift_table.stock_qty)
		.where(gift_table.name == doc.gift)
		.for_update()
		.run(as_dict=True)
	)
	if not gift or not gift[0].enabled:
		frappe.throw(_("{0} is not an active gift.").format(frappe.bold(doc.gift)), GiftUnavailableError)
	gift = gift[0]
	if not policy.can_spend(balances.get(doc.customer, 0), doc.points):
		frappe.throw(
			_("{0} has {1} points; this redemption needs {2}.").format(
				frappe.bold(doc.customer_name or doc.customer), balances.get(doc.customer, 0), doc.points
			),
			InsufficientPointsError,
			title=_("Not Enough Points"),
		)
	if gift.track_stock:
		if cint(gift.stock_qty) < cint(doc.qty):
			frappe.throw(
				_("Only {0} of {1} are left.").format(cint(gift.stock_qty), frappe.bold(doc.gift)),
				GiftUnavailableError,
				title=_("Gift Unavailable"),
			)
		frappe.qb.update(gift_table).set(gift_table.stock_qty, gift_table.stock_qty - cint(doc.qty)).where(
			gift_table.name == doc.gift
		).run()
	post([Entry(doc.customer, -doc.points, REDEMPTION, doc.doctype, doc.name)], refuse_overdraw=True)


def cancel_redemption(doc):
	"""on_cancel: the points come back and the gifts go back into stock, once."""
	lock_balances([doc.customer])
	table = frappe.qb.DocType(LEDGER)
	# only this redemption's own submit and cancel (serialised on its row) post for it: a plain read will do
	net = (
		frappe.qb.from_(table)
		.select(Sum(table.points))
		.where((table.voucher_type == doc.doctype) & (table.voucher_no == doc.name))
		.run()
	)
	net = cint(net[0][0]) if net else 0
	if not net:
		return
	post([Entry(doc.customer, -net, REDEMPTION_REVERSAL, doc.doctype, doc.name)])
	gift_table = frappe.qb.DocType(GIFT)
	frappe.qb.update(gift_table).set(gift_table.stock_qty, gift_table.stock_qty + cint(doc.qty)).where(
		(gift_table.name == doc.gift) & (gift_table.track_stock == 1)
	).run()


# ---------------------------------------------------------------------------------------------------------
# The ledger and the balances


def lock_balances(customers) -> dict[str, int]:
	"""Lock (and create when missing) the customers' balance rows in sorted order; their points, as the
	latest committed values. Held until the transaction ends."""
	customers = sorted(set(filter(None, customers)))
	if not customers:
		return {}
	now, user = now_datetime(), frappe.session.user
	for customer in customers:
		# one statement per row, in order: a multi-row insert could lock in the server's order instead
		frappe.db.sql(
			f"""insert into `tab{BALANCE}` (name, customer, points, creation, modified, owner, modified_by)
			values (%s, %s, 0, %s, %s, %s, %s)
			on duplicate key update name = name""",
			(customer, customer, now, now, user, user),
		)
	table = frappe.qb.DocType(BALANCE)
	rows = (
		frappe.qb.from_(table)
		.select(table.name, table.points)
		.where(table.name.isin(customers))
		.for_update()
		.run()
	)
	return {name: cint(points) for name, points in rows}


def post(entries: list[Entry], refuse_overdraw: bool = False):
	"""Append entries to the ledger and move the balances by the same amounts, under the balance rows' locks.
	With refuse_overdraw, a customer whose balance would go below zero is refused (redemptions)."""
	entries = [e for e in entries if cint(e.points)]
	if not entries:
		return
	net: dict[str, int] = defaultdict(int)
	for entry in entries:
		net[entry.customer] += cint(entry.points)
	balances = lock_balances(net)
	if refuse_overdraw:
		for customer, change in sorted(net.items()):
			if change < 0 and balances.get(customer, 0) + change < 0:
				frappe.throw(
					_("{0} has {1} points; this needs {2}.").format(
						frappe.bold(customer), balances.get(customer, 0), -change
					),
					InsufficientPointsError,
					title=_("Not Enough Points"),
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
				e.customer,
				cint(e.points),
				e.entry_type,
				now,
				e.expires_on,
				e.voucher_type,
				e.voucher_no,
				e.customer_order,
			)
			for e in entries
		],
	)
	changes = [(customer, change) for customer, change in sorted(net.items()) if change]
	if changes:
		# one statement for every customer of the posting (the expiry job moves a thousand at once)
		cases = " ".join(["when %s then %s"] * len(changes))
		frappe.db.sql(
			f"""update `tab{BALANCE}` set points = points + (case name {cases} end), modified = %s
			where name in ({", ".join(["%s"] * len(changes))})""",
			(*[v for pair in changes for v in pair], now, *[c for c, _change in changes]),
		)


def balance(customer: str) -> int:
	"""The customer's points (no lock: for display)."""
	return cint(frappe.db.get_value(BALANCE, customer, "points"))


def ledger_mismatches(customers=None) -> list[dict]:
	"""Balance rows whose points differ from the sum of their ledger, and ledger customers without a balance
	row (empty when the ledger and the balances agree)."""
	where_b = where_l = ""
	values = {}
	if customers is not None:
		values["customers"] = tuple(customers) or ("",)
		where_b = "where b.customer in %(customers)s"
		where_l = "and l.customer in %(customers)s"
	return frappe.db.sql(
		f"""select b.customer, b.points as balance, coalesce(l.total, 0) as ledger
		from `tab{BALANCE}` b
		left join (select customer, sum(points) as total from `tab{LEDGER}` group by customer) l
			on l.customer = b.customer
		{where_b} {"and" if where_b else "where"} b.points <> coalesce(l.total, 0)
		union all
		select l.customer, null, sum(l.points) from `tab{LEDGER}` l
		left join `tab{BALANCE}` b on b.customer = l.customer
		where b.name is null {where_l} group by l.customer""",
		values,
		as_dict=True,
	)


# ---------------------------------------------------------------------------------------------------------
# Expiry (daily job)

EXPIRY_BATCH = 1000


def _expiry_amounts(customers: list[str], on_date, for_update: bool) -> list[tuple[str, int]]:
	"""(customer, points to expire now) for the customers, FIFO (policies/points.points_to_expire)."""
	rows = frappe.db.sql(
		f"""select customer,
			coalesce(sum(case when entry_type in %(order_types)s and expires_on <= %(on_date)s then points end), 0),
			-coalesce(sum(case when entry_type in %(spending)s then points end), 0),
			-coalesce(sum(case when entry_type = %(expiry)s then points end), 0)
		from `tab{LEDGER}` where customer in %(customers)s group by customer
		{"for update" if for_update else ""}""",
		{
			"order_types": ORDER_TYPES,
			"spending": SPENDING_TYPES,
			"expiry": EXPIRY,
			"on_date": on_date,
			"customers": tuple(customers),
		},
	)
	return [
		(customer, points)
		for customer, expired, consumed, done in rows
		if (points := policy.points_to_expire(expired, consumed, done)) > 0
	]


def expire_points(on_date=None) -> int:
	"""Daily: unspent points of accruals past their expiry date go out of the ledger as Expiry rows, written
	set-based per batch of customers under their balance locks; a second run the same day finds nothing left
	to expire (never double). The number of points expired."""
	on_date = getdate(on_date or nowdate())
	table = frappe.qb.DocType(LEDGER)
	candidates = (
		frappe.qb.from_(table)
		.select(table.customer)
		.distinct()
		.where((table.entry_type == ACCRUAL) & table.expires_on.isnotnull() & (table.expires_on <= on_date))
		.orderby(table.customer)
		.run(pluck=True)
	)
	expired = 0
	for start in range(0, len(candidates), EXPIRY_BATCH):
		batch = candidates[start : start + EXPIRY_BATCH]
		if not _expiry_amounts(batch, on_date, for_update=False):
			continue
		lock_balances(batch)
		due = _expiry_amounts(batch, on_date, for_update=True)
		post([Entry(customer, -points, EXPIRY, BALANCE, customer) for customer, points in due])
		expired += sum(points for _customer, points in due)
	return expired
