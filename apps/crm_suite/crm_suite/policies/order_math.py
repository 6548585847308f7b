"""Money arithmetic of quotations and sales orders (SPEC SALE-04, SALE-07) on Decimals, and the small
decisions around it (floor price, shipment status, stock-take difference). No frappe import: the
controllers pass plain values in and store what comes out; the client's totals are never read.

A line: gross = qty × price; discount = gross × discount % (rounded to the currency's precision);
amount = gross − discount (net, before tax); tax = amount × tax rate %; total = amount + tax. Every step is
rounded half up at the currency's precision, and the document's totals are sums of the rounded line
values, so the printed lines always add up to the printed totals.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

HUNDRED = Decimal(100)
ZERO = Decimal(0)

# Why a line is refused (controllers turn these into translated messages).
QTY_NOT_POSITIVE = "qty_not_positive"
PRICE_NEGATIVE = "price_negative"
DISCOUNT_OUT_OF_RANGE = "discount_out_of_range"
TAX_OUT_OF_RANGE = "tax_out_of_range"
NOT_A_NUMBER = "not_a_number"

NOT_DELIVERED = "Not Delivered"
PARTLY_DELIVERED = "Partly Delivered"
FULLY_DELIVERED = "Fully Delivered"


def dec(value) -> Decimal:
	"""A finite Decimal from what a form or the database holds (None and "" are zero; floats go through
	their shortest repr, so 0.1 is 0.1). ValueError for anything else."""
	if value is None or value == "":
		return ZERO
	try:
		result = value if isinstance(value, Decimal) else Decimal(str(value))
	except (InvalidOperation, ValueError, TypeError) as e:
		raise ValueError(f"not a number: {value!r}") from e
	if not result.is_finite():
		raise ValueError(f"not a number: {value!r}")
	return result


def round_to(value, precision: int) -> Decimal:
	return dec(value).quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
	gross: Decimal
	discount: Decimal
	amount: Decimal
	tax: Decimal
	total: Decimal


@dataclass(frozen=True)
class Totals:
	total_qty: Decimal
	gross_total: Decimal
	discount_total: Decimal
	net_total: Decimal
	tax_total: Decimal
	grand_total: Decimal


def line_problem(qty, price, discount_percent, tax_rate) -> str | None:
	"""Why a line's inputs cannot be priced (one of the codes above), or None."""
	try:
		qty, price, discount, tax = dec(qty), dec(price), dec(discount_percent), dec(tax_rate)
	except ValueError:
		return NOT_A_NUMBER
	if qty <= 0:
		return QTY_NOT_POSITIVE
	if price < 0:
		return PRICE_NEGATIVE
	if not ZERO <= discount <= HUNDRED:
		return DISCOUNT_OUT_OF_RANGE
	if not ZERO <= tax <= HUNDRED:
		return TAX_OUT_OF_RANGE
	return None


def line_amounts(qty, price, discount_percent, tax_rate, precision: int = 2) -> LineAmounts:
	gross = round_to(dec(qty) * dec(price), precision)
	discount = round_to(gross * dec(discount_percent) / HUNDRED, precision)
	amount = gross - discount
	tax = round_to(amount * dec(tax_rate) / HUNDRED, precision)
	return LineAmounts(gross=gross, discount=discount, amount=amount, tax=tax, total=amount + tax)


def totals(lines: Iterable[tuple[object, LineAmounts]]) -> Totals:
	"""Document totals from (qty, LineAmounts) pairs: plain sums of the rounded line values."""
	qty = gross = discount = amount = tax = ZERO
	for line_qty, line in lines:
		qty += dec(line_qty)
		gross += line.gross
		discount += line.discount
		amount += line.amount
		tax += line.tax
	return Totals(
		total_qty=qty,
		gross_total=gross,
		discount_total=discount,
		net_total=amount,
		tax_total=tax,
		grand_total=amount + tax,
	)


def net_unit_price(price, discount_percent) -> Decimal:
	"""The unit price after the line's discount, unrounded (compared with the floor price as it is)."""
	return dec(price) * (HUNDRED - dec(discount_percent)) / HUNDRED


def below_floor(price, discount_percent, floor_price) -> bool:
	"""Is the line sold under the product's floor price? A product without a floor price (0) has none."""
	floor = dec(floor_price)
	return floor > 0 and net_unit_price(price, discount_percent) < floor


def shipment_status(lines: Iterable[tuple[object, object]]) -> str:
	"""Not / Partly / Fully Delivered from (ordered qty, delivered qty) per line."""
	ordered = delivered = ZERO
	complete = True
	for qty, done in lines:
		qty, done = dec(qty), dec(done)
		ordered += qty
		delivered += min(done, qty)
		complete = complete and done >= qty
	if delivered <= 0:
		return NOT_DELIVERED
	return FULLY_DELIVERED if complete else PARTLY_DELIVERED


def stock_take_difference(counted, balance) -> Decimal:
	"""What a stock-take posts so the balance becomes the counted quantity."""
	return dec(counted) - dec(balance)
