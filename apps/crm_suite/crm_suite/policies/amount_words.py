"""Amounts in Chinese capital numerals (大写金额) for quotations, orders and, later, contracts and receipts
(SPEC SALE-04). No frappe import: the print formats call it through hooks.py's `jinja` methods.

Written the way Chinese banks and invoices expect: 壹万贰仟叁佰肆拾伍元陆角柒分; 整 closes an amount with no
fen (壹拾元整, 伍角整); one 零 stands for any run of zeros between non-zero digits (壹拾万零壹拾元整), and before
the fen when the jiao is zero (壹元零伍分). Amounts are rounded half up to the fen first.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
# place units inside a four-digit section, and the sections themselves (up to 万亿: below 10^16 yuan)
PLACES = ("", "拾", "佰", "仟")
SECTIONS = ("", "万", "亿", "万亿")
LIMIT = Decimal(10) ** 16
FEN = Decimal("0.01")


def _section(digits: str) -> str:
	"""Words of one four-digit section (leading zeros allowed), without its section unit; '' for 0000.
	Zeros between digits collapse to one 零; trailing zeros are silent."""
	out, zero_pending = [], False
	for position, ch in enumerate(digits):
		place = len(digits) - 1 - position
		if ch == "0":
			zero_pending = bool(out)
			continue
		if zero_pending:
			out.append(DIGITS[0])
			zero_pending = False
		out.append(DIGITS[int(ch)] + PLACES[place])
	return "".join(out)


def _integer_words(n: int) -> str:
	text = str(n).zfill(((len(str(n)) + 3) // 4) * 4)
	sections = [text[i : i + 4] for i in range(0, len(text), 4)]
	out, zero_pending = [], False
	for index, digits in enumerate(sections):
		unit = SECTIONS[len(sections) - 1 - index]
		if int(digits) == 0:
			zero_pending = bool(out)
			continue
		# a gap before this section (a zero section, or leading zeros in it) is read as one 零
		if out and (zero_pending or digits[0] == "0"):
			out.append(DIGITS[0])
		out.append(_section(digits) + unit)
		zero_pending = False
	return "".join(out)


def to_fen(amount) -> Decimal:
	"""The amount as a Decimal rounded half up to the fen; ValueError for what is not a finite number."""
	try:
		value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
	except (InvalidOperation, ValueError, TypeError) as e:
		raise ValueError(f"not an amount: {amount!r}") from e
	if not value.is_finite():
		raise ValueError(f"not an amount: {amount!r}")
	return value.quantize(FEN, rounding=ROUND_HALF_UP)


def amount_in_words(amount, currency_word: str = "元") -> str:
	"""大写金额 of `amount` (int, float, str or Decimal): 12345.67 → 壹万贰仟叁佰肆拾伍元陆角柒分, 0 → 零元整,
	negative amounts start with 负. ValueError for non-numbers and amounts of 10^16 or more."""
	value = to_fen(amount)
	sign = "负" if value < 0 else ""
	value = abs(value)
	if value >= LIMIT:
		raise ValueError(f"amount too large for capital numerals: {amount!r}")
	yuan = int(value)
	fen_total = int((value - yuan) * 100)
	jiao, fen = divmod(fen_total, 10)
	if yuan == 0 and fen_total == 0:
		return f"零{currency_word}整"
	words = _integer_words(yuan) + currency_word if yuan else ""
	if jiao:
		words += DIGITS[jiao] + "角"
	elif fen and yuan:
		words += DIGITS[0]
	if fen:
		words += DIGITS[fen] + "分"
	else:
		words += "整"
	return sign + words
