"""Contracts, payment plans, payments received and refunds (SPEC SALE-05, SALE-06): what their controllers
check before the receivable ledger (services/receivables.py) is posted, and the two daily jobs.

- A contract's amount is the sum of its lines when it has lines. It is approved through the workflow
  "Sales Contract Approval": up to the amount in CRM Suite Settings (`contract_admin_threshold`) a CRM Manager
  approves, above it a CRM Admin. `needs_admin_approval` is set in validate and is the workflow condition;
  `check_approver` refuses a submit by anyone else, whatever the path (the workflow, a REST docstatus=1).
- A payment plan has instalments against one order or one contract, adding up to no more than its total.
- A payment names an order, a contract or a plan instalment (the plan names the order or contract), or is an
  explicit advance against the customer only.
- Daily: overdue instalments and contracts due for renewal are flagged in one UPDATE each; their owners get
  one notice each (Notification Log, services/notify.py).
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Function
from frappe.utils import cint, flt, getdate

from crm_suite.policies import receivables as rules
from crm_suite.policies.amount_words import amount_in_words
from crm_suite.policies.order_math import dec
from crm_suite.services import notify

DEFAULT_ADMIN_THRESHOLD = 100000
ADMIN_APPROVERS = frozenset({"CRM Admin", "System Manager"})
APPROVERS = frozenset({"CRM Manager", *ADMIN_APPROVERS})


class ContractApprovalError(frappe.PermissionError):
	pass


class MoneyDocumentError(frappe.ValidationError):
	pass


class PaymentPlanError(frappe.ValidationError):
	pass


def _refuse(message: str, title: str, exc=MoneyDocumentError):
	frappe.throw(message, exc, title=title)


# --- shared ------------------------------------------------------------------------------------------------


def set_salesperson(doc, source=None):
	"""The document's salesperson: the order's / contract's, else the customer's, else the author."""
	if doc.salesperson and not doc.is_new() and not doc.has_value_changed("customer"):
		return
	salesperson = None
	if source:
		salesperson = frappe.db.get_value(source[0], source[1], "salesperson")
	if not salesperson and doc.get("customer"):
		salesperson = frappe.db.get_value("Customer Account", doc.customer, "salesperson")
	doc.salesperson = salesperson or doc.salesperson or frappe.session.user
	doc.sales_department = frappe.db.get_value("Sales Staff", doc.salesperson, "sales_department")


def check_customer_access(doc):
	if doc.get("customer") and (doc.is_new() or doc.has_value_changed("customer")):
		frappe.has_permission("Customer Account", "read", doc.customer, throw=True)


def document_total(doctype: str, name: str):
	values = frappe.db.get_value(
		doctype,
		name,
		["customer", "currency", "docstatus", "customer_order" if doctype == "Sales Contract" else "name"]
		+ ["contract_amount" if doctype == "Sales Contract" else "grand_total"],
		as_dict=True,
	)
	if not values:
		_refuse(_("{0} {1} not found").format(_(doctype), name), _("Not Found"), frappe.DoesNotExistError)
	values.total = values.get("contract_amount", values.get("grand_total"))
	return values


def check_target(doc, target):
	"""The order or contract is the customer's, in the document's currency, and carries a receivable."""
	doctype, name = target
	values = document_total(doctype, name)
	frappe.has_permission(doctype, "read", name, throw=True)
	if values.customer != doc.customer:
		_refuse(_("{0} {1} belongs to another customer.").format(_(doctype), name), _("Wrong Customer"))
	if values.currency and doc.get("currency") and values.currency != doc.currency:
		_refuse(
			_("{0} {1} is in {2}: one currency per document.").format(_(doctype), name, values.currency),
			_("Wrong Currency"),
		)
	if doctype == "Sales Contract" and values.customer_order:
		_refuse(
			_("Contract {0} covers order {1}: record its payments against the order.").format(
				name, values.customer_order
			),
			_("Use the Order"),
		)
	if values.docstatus == 2:
		_refuse(_("{0} {1} is cancelled.").format(_(doctype), name), _("Cancelled"))
	return values


def set_amount_in_words(doc, fieldname: str = "amount", target: str = "amount_in_words"):
	try:
		doc.set(target, amount_in_words(dec(doc.get(fieldname))))
	except ValueError:
		_refuse(_("The amount must be a number."), _("Invalid Amount"))


def check_positive(doc):
	if flt(doc.amount) <= 0:
		_refuse(_("The amount must be greater than zero."), _("Invalid Amount"))


# --- contracts ---------------------------------------------------------------------------------------------


def admin_threshold() -> float:
	"""The setting; 0 or unset (a settings form saved before the field existed stores 0) is the default."""
	value = flt(frappe.db.get_single_value("CRM Suite Settings", "contract_admin_threshold"))
	return value if value > 0 else DEFAULT_ADMIN_THRESHOLD


def validate_contract(contract):
	check_customer_access(contract)
	source = ("Customer Order", contract.customer_order) if contract.customer_order else None
	if source:
		order = document_total(*source)
		if order.customer != contract.customer:
			_refuse(
				_("{0} {1} belongs to another customer.").format(_("Customer Order"), source[1]),
				_("Wrong Customer"),
			)
	if contract.opportunity and (contract.is_new() or contract.has_value_changed("opportunity")):
		frappe.has_permission("Sales Opportunity", "read", contract.opportunity, throw=True)
		if frappe.db.get_value("Sales Opportunity", contract.opportunity, "customer") != contract.customer:
			_refuse(
				_("Opportunity {0} belongs to another customer.").format(contract.opportunity),
				_("Wrong Opportunity"),
			)
	set_salesperson(contract, source)
	if getdate(contract.end_date) < getdate(contract.start_date):
		_refuse(_("The end date cannot be before the start date."), _("Invalid Dates"))
	price_contract_lines(contract)
	if flt(contract.contract_amount) <= 0:
		_refuse(_("Enter the contract amount or add lines."), _("Invalid Amount"))
	set_amount_in_words(contract, "contract_amount", "contract_amount_in_words")
	contract.gross_margin = (
		float(dec(contract.contract_amount) - dec(contract.estimated_cost)) if contract.estimated_cost else 0
	)
	contract.needs_admin_approval = int(
		rules.needs_admin_approval(contract.contract_amount, admin_threshold())
	)
	if contract.docstatus == 0:
		contract.status = "Rejected" if contract.workflow_state == "Rejected" else "Pending"


def price_contract_lines(contract):
	if not contract.lines:
		return
	names = sorted({line.product for line in contract.lines if line.product})
	products = {
		p.name: p
		for p in frappe.get_all(
			"Sales Product",
			filters={"name": ("in", names or [""])},
			fields=["name", "product_name", "unit", "list_price", "enabled"],
		)
	}
	for line in contract.lines:
		product = products.get(line.product)
		if not product or not product.enabled:
			_refuse(
				_("Line {0}: {1} is not an active product.").format(
					line.idx, frappe.bold(line.product or "")
				),
				_("Invalid Product"),
			)
		line.product_name = product.product_name
		line.unit = line.unit or product.unit
		if line.price in (None, ""):
			line.price = product.list_price
		try:
			if dec(line.qty) <= 0 or dec(line.price) < 0:
				raise ValueError
		except ValueError:
			_refuse(
				_("Line {0}: the quantity must be greater than zero.").format(line.idx), _("Invalid Line")
			)
	precision = cint(contract.precision("contract_amount") or 2)
	amounts, total = rules.contract_total([(line.qty, line.price) for line in contract.lines], precision)
	for line, amount in zip(contract.lines, amounts, strict=True):
		line.amount = float(amount)
	contract.contract_amount = float(total)


def check_approver(contract, user: str | None = None):
	"""Only a CRM Manager (up to the threshold) or a CRM Admin (any amount) makes a contract effective."""
	user = user or frappe.session.user
	if user == "Administrator":
		return
	roles = set(frappe.get_roles(user))
	allowed = ADMIN_APPROVERS if contract.needs_admin_approval else APPROVERS
	if not roles & allowed:
		frappe.throw(
			_("Contract {0} of {1} must be approved by a {2}.").format(
				contract.name,
				flt(contract.contract_amount),
				_("CRM Admin") if contract.needs_admin_approval else _("CRM Manager"),
			),
			ContractApprovalError,
			title=_("Approval Required"),
		)


# --- payment plans -----------------------------------------------------------------------------------------


def validate_plan(plan):
	targets = [
		t for t in (("Customer Order", plan.customer_order), ("Sales Contract", plan.sales_contract)) if t[1]
	]
	if len(targets) != 1:
		_refuse(
			_("A payment plan is against one order or one contract."),
			_("Order or Contract"),
			PaymentPlanError,
		)
	target = targets[0]
	values = document_total(*target)
	plan.customer = values.customer
	check_customer_access(plan)
	frappe.has_permission(target[0], "read", target[1], throw=True)
	if values.docstatus == 2:
		_refuse(_("{0} {1} is cancelled.").format(_(target[0]), target[1]), _("Cancelled"), PaymentPlanError)
	if target[0] == "Sales Contract" and values.customer_order:
		_refuse(
			_("Contract {0} covers order {1}: plan its payments on the order.").format(
				target[1], values.customer_order
			),
			_("Use the Order"),
			PaymentPlanError,
		)
	other = frappe.db.exists(
		"Payment Plan",
		{
			"customer_order" if target[0] == "Customer Order" else "sales_contract": target[1],
			"name": ("!=", plan.name),
		},
	)
	if other:
		_refuse(
			_("{0} already has payment plan {1}.").format(target[1], other),
			_("Duplicate Plan"),
			PaymentPlanError,
		)
	plan.currency = values.currency
	plan.document_total = flt(values.total)
	set_salesperson(plan, target)
	problem = rules.plan_problem([i.amount for i in plan.instalments], plan.document_total)
	if problem == rules.NO_INSTALMENTS:
		_refuse(_("Add at least one instalment."), _("No Instalments"), PaymentPlanError)
	if problem == rules.NOT_POSITIVE:
		_refuse(
			_("Every instalment amount must be greater than zero."), _("Invalid Amount"), PaymentPlanError
		)
	if problem == rules.PLAN_OVER_TOTAL:
		_refuse(
			_("The instalments add up to {0}, more than the total of {1}.").format(
				flt(sum(flt(i.amount) for i in plan.instalments)), plan.document_total
			),
			_("Plan Exceeds Total"),
			PaymentPlanError,
		)
	plan.planned_total = float(sum((dec(i.amount) for i in plan.instalments), dec(0)))
	from crm_suite.services.receivables import instalment_paid

	paid = instalment_paid([i.name for i in plan.instalments if i.name])
	today = getdate()
	for i in plan.instalments:
		done = paid.get(i.name, dec(0))
		i.paid_amount = float(done)
		i.status = rules.instalment_status(i.amount, done, getdate(i.due_date) < today)


# --- payments and refunds ----------------------------------------------------------------------------------


def validate_payment(payment):
	check_customer_access(payment)
	check_positive(payment)
	if payment.payment_plan:
		plan = frappe.db.get_value(
			"Payment Plan",
			payment.payment_plan,
			["customer_order", "sales_contract", "customer"],
			as_dict=True,
		)
		if not plan:
			_refuse(_("{0} {1} not found").format(_("Payment Plan"), payment.payment_plan), _("Not Found"))
		payment.customer_order, payment.sales_contract = plan.customer_order, plan.sales_contract
		if payment.plan_instalment and not frappe.db.exists(
			"Payment Plan Instalment",
			{"name": payment.plan_instalment, "parent": payment.payment_plan, "parenttype": "Payment Plan"},
		):
			_refuse(
				_("Instalment {0} is not an instalment of plan {1}.").format(
					payment.plan_instalment, payment.payment_plan
				),
				_("Wrong Instalment"),
			)
	elif payment.plan_instalment:
		_refuse(_("Choose the payment plan of the instalment."), _("Wrong Instalment"))
	validate_target(payment, allow_none=bool(payment.is_advance))
	set_amount_in_words(payment)


def validate_refund(refund):
	check_customer_access(refund)
	check_positive(refund)
	if refund.customer_payment:
		paid = frappe.db.get_value(
			"Customer Payment",
			refund.customer_payment,
			["customer", "customer_order", "sales_contract", "docstatus"],
			as_dict=True,
		)
		if not paid or paid.docstatus != 1 or paid.customer != refund.customer:
			_refuse(
				_("Payment {0} is not a submitted payment of this customer.").format(refund.customer_payment),
				_("Wrong Payment"),
			)
		# the payment's order or contract is named only while it is not cancelled (Frappe refuses a link to a
		# cancelled document); the refund still counts against it through the payment (receivables.target_of)
		refund.customer_order = (
			paid.customer_order if _is_active("Customer Order", paid.customer_order) else None
		)
		refund.sales_contract = (
			paid.sales_contract if _is_active("Sales Contract", paid.sales_contract) else None
		)
	validate_target(refund, allow_none=True)
	set_amount_in_words(refund)


def _is_active(doctype: str, name: str | None) -> bool:
	return bool(name) and frappe.db.get_value(doctype, name, "docstatus") != 2


def validate_target(doc, allow_none: bool):
	"""One order or one contract (or, when allowed, none: the customer's advance / account)."""
	if doc.customer_order and doc.sales_contract:
		_refuse(_("Name either an order or a contract, not both."), _("Order or Contract"))
	target = ("Customer Order", doc.customer_order) if doc.customer_order else None
	target = target or (("Sales Contract", doc.sales_contract) if doc.sales_contract else None)
	if doc.doctype == "Customer Payment" and target and doc.is_advance:
		_refuse(
			_("An advance payment is recorded against the customer only, without an order or contract."),
			_("Advance Payment"),
		)
	if not target and not allow_none:
		_refuse(
			_("Name the order or contract this payment is for, or record it as an advance payment."),
			_("Order or Contract"),
		)
	if target:
		check_target(doc, target)
	set_salesperson(doc, target)


# --- daily jobs --------------------------------------------------------------------------------------------


def flag_overdue_instalments(today=None) -> int:
	"""Instalments past their due date and not paid become Overdue (one UPDATE); each plan owner gets one
	notice for all their newly overdue instalments. Returns how many were flagged."""
	today = getdate(today)
	line = frappe.qb.DocType("Payment Plan Instalment")
	plan = frappe.qb.DocType("Payment Plan")
	(
		frappe.qb.update(line)
		.set(line.status, rules.OVERDUE)
		.where(
			(line.parenttype == "Payment Plan")
			& (line.due_date < today)
			& line.status.isin([rules.UNPAID, rules.PARTLY_PAID])
			& (line.paid_amount < line.amount)
		)
		.run()
	)
	unnotified = (
		(line.parenttype == "Payment Plan") & (line.status == rules.OVERDUE) & (line.overdue_notified == 0)
	)
	counts = dict(
		frappe.qb.from_(line)
		.join(plan)
		.on(plan.name == line.parent)
		.select(plan.salesperson, Count("*"))
		.where(unnotified)
		.groupby(plan.salesperson)
		.run()
	)
	frappe.qb.update(line).set(line.overdue_notified, 1).where(unnotified).run()
	notify.notify_users(
		counts,
		"{0} payment instalment(s) of your customers are overdue.",
		"Payment Plan",
		link="/app/payment-plan",
	)
	return sum(counts.values())


def remind_contract_renewals(today=None) -> int:
	"""Approved contracts whose end is within their reminder days: one notice per owner, once per contract;
	contracts past their end date become Expired (one UPDATE each)."""
	today = getdate(today)
	contract = frappe.qb.DocType("Sales Contract")
	frappe.qb.update(contract).set(contract.status, "Expired").where(
		(contract.docstatus == 1) & (contract.status == "Active") & (contract.end_date < today)
	).run()
	due = (
		(contract.docstatus == 1)
		& (contract.status == "Active")
		& (contract.renewal_notified == 0)
		& (contract.end_date >= today)
		& (Function("DATEDIFF", contract.end_date, today) <= contract.renewal_notice_days)
	)
	counts = dict(
		frappe.qb.from_(contract)
		.select(contract.salesperson, Count("*"))
		.where(due)
		.groupby(contract.salesperson)
		.run()
	)
	frappe.qb.update(contract).set(contract.renewal_notified, 1).where(due).run()
	notify.notify_users(
		counts,
		"{0} of your contracts end soon: time to talk about renewal.",
		"Sales Contract",
		link="/app/sales-contract?status=Active",
	)
	return sum(counts.values())
