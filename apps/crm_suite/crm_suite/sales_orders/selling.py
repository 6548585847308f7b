"""What a quotation and a sales order share (SPEC SALE-04): owner fields, the customer check, pricing every
line from the product master, the floor-price rule and totals, all computed on the server from the lines'
qty, price, discount and tax rate (the client's amounts and totals are overwritten, never read).

Floor price (SPEC SALE-07): a line whose unit price after discount is under the product's floor price may be
saved, and the document submitted, only by a CRM Manager or CRM Admin (or System Manager); a salesperson is
refused with BelowFloorPriceError and must ask a manager, who saves it and is recorded in
`floor_approved_by`. The floor price itself is never shown to a salesperson (it is at permlevel 1).
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, flt

from crm_suite.policies import order_math
from crm_suite.policies.amount_words import amount_in_words

# Who may price a line below the product's floor price.
FLOOR_APPROVER_ROLES = frozenset({"CRM Manager", "CRM Admin", "System Manager"})
# Line fields left empty (not zeroed) on new lines so that the product's values fill them in.
UNPRICED_FIELDS = ("price", "tax_rate", "discount_percent")
PRODUCT_FIELDS = (
	"name",
	"product_name",
	"model",
	"unit",
	"is_stocked",
	"list_price",
	"floor_price",
	"default_tax_rate",
	"enabled",
)


class BelowFloorPriceError(frappe.ValidationError):
	pass


class InvalidLineError(frappe.ValidationError):
	pass


def line_message(problem: str, idx) -> str:
	texts = {
		order_math.QTY_NOT_POSITIVE: _("Line {0}: the quantity must be greater than zero."),
		order_math.PRICE_NEGATIVE: _("Line {0}: the price cannot be negative."),
		order_math.DISCOUNT_OUT_OF_RANGE: _("Line {0}: the discount must be between 0 and 100%."),
		order_math.TAX_OUT_OF_RANGE: _("Line {0}: the tax rate must be between 0 and 100%."),
		order_math.NOT_A_NUMBER: _("Line {0}: quantity, price, discount and tax rate must be numbers."),
	}
	return texts[problem].format(idx)


def is_floor_approver(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(FLOOR_APPROVER_ROLES.intersection(frappe.get_roles(user)))


def products_of(lines) -> dict[str, frappe._dict]:
	"""The lines' products from the master, in one query (floor prices included: the server reads them)."""
	names = sorted({line.product for line in lines if line.product})
	if not names:
		return {}
	rows = frappe.get_all(
		"Sales Product", filters={"name": ("in", names)}, fields=list(PRODUCT_FIELDS), limit=len(names)
	)
	return {row.name: row for row in rows}


class SellingDocument(Document):
	"""Base of Sales Quotation and Customer Order."""

	def validate(self):
		self.set_salesperson()
		self.validate_customer_access()
		self.validate_opportunity()
		self.price_lines()
		self.check_floor_prices()
		self.set_totals()
		self.set_status()

	def before_submit(self):
		# the approver is the one who confirms: a salesperson cannot submit a manager's below-floor draft
		self.check_floor_prices()

	def set_salesperson(self):
		if self.is_new() and not self.salesperson:
			self.salesperson = frappe.session.user
		if self.salesperson and (self.is_new() or self.has_value_changed("salesperson")):
			self.sales_department = frappe.db.get_value("Sales Staff", self.salesperson, "sales_department")

	def validate_customer_access(self):
		if self.customer and (self.is_new() or self.has_value_changed("customer")):
			frappe.has_permission("Customer Account", "read", self.customer, throw=True)

	def validate_opportunity(self):
		"""The opportunity (SPEC SALE-01) this document sells on: one the user may read, of the same customer."""
		if not self.get("opportunity") or not (self.is_new() or self.has_value_changed("opportunity")):
			return
		frappe.has_permission("Sales Opportunity", "read", self.opportunity, throw=True)
		if frappe.db.get_value("Sales Opportunity", self.opportunity, "customer") != self.customer:
			frappe.throw(
				_("Opportunity {0} belongs to another customer.").format(self.opportunity),
				frappe.ValidationError,
				title=_("Wrong Opportunity"),
			)

	def currency_precision(self) -> int:
		precision = self.precision("grand_total")
		return 2 if precision is None else cint(precision)

	def price_lines(self):
		if not self.get("lines"):
			frappe.throw(_("Add at least one product line."), InvalidLineError, title=_("No Lines"))
		products = products_of(self.lines)
		precision = self.currency_precision()
		self._amounts = []
		for line in self.lines:
			product = products.get(line.product)
			if not product or not product.enabled:
				frappe.throw(
					_("Line {0}: {1} is not an active product.").format(
						line.idx, frappe.bold(line.product or "")
					),
					InvalidLineError,
					title=_("Invalid Product"),
				)
			# the product's fields come from the one query above, not from per-line fetches
			line.product_name = product.product_name
			line.model = product.model
			line.unit = line.unit or product.unit
			if line.meta.has_field("is_stocked"):
				line.is_stocked = product.is_stocked
			if line.price is None:
				line.price = product.list_price
			if line.tax_rate is None:
				line.tax_rate = product.default_tax_rate
			if line.discount_percent is None:
				line.discount_percent = 0
			if problem := order_math.line_problem(line.qty, line.price, line.discount_percent, line.tax_rate):
				frappe.throw(line_message(problem, line.idx), InvalidLineError, title=_("Invalid Line"))
			amounts = order_math.line_amounts(
				line.qty, line.price, line.discount_percent, line.tax_rate, precision
			)
			self._amounts.append((line.qty, amounts))
			line.amount = float(amounts.amount)
			line.tax_amount = float(amounts.tax)
			line.line_total = float(amounts.total)
			line.below_floor = int(
				order_math.below_floor(line.price, line.discount_percent, product.floor_price)
			)

	def check_floor_prices(self):
		below = [line for line in self.lines if line.below_floor]
		if not below:
			self.floor_approved_by = None
			return
		if not is_floor_approver():
			frappe.throw(
				_(
					"Line {0}: the price of {1} after discount is below its floor price. Ask a manager to approve this price."
				).format(below[0].idx, frappe.bold(below[0].product_name or below[0].product)),
				BelowFloorPriceError,
				title=_("Below Floor Price"),
			)
		self.floor_approved_by = frappe.session.user

	def set_totals(self):
		result = order_math.totals(self._amounts)
		self.total_qty = flt(result.total_qty)
		self.gross_total = float(result.gross_total)
		self.discount_total = float(result.discount_total)
		self.net_total = float(result.net_total)
		self.tax_total = float(result.tax_total)
		self.grand_total = float(result.grand_total)
		self.grand_total_in_words = amount_in_words(result.grand_total)

	def set_status(self):
		if self.docstatus == 0:
			self.status = "Draft"
