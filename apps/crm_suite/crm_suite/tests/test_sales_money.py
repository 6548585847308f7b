"""Contracts, payment plans, payments received, refunds and receivables (SPEC SALE-05, SALE-06) on a real site:
the approval workflow over the amount threshold as a manager and as an admin, payments refused above the
receivable, partial payments and the order's payment status, refunds, cancellation reversed exactly once, the
ledger equal to the balances after a random sequence, the daily jobs, row scope (ORG-03), reports and prints."""

import random

import frappe
from frappe.model.workflow import WorkflowTransitionError, apply_workflow
from frappe.utils import add_days, flt, today

from crm_suite.sales_orders.report.collection_rate import collection_rate
from crm_suite.sales_orders.report.customer_receivables import customer_receivables
from crm_suite.services import collection_rollup, receivables, sales_money
from crm_suite.services.receivables import ReceivableExceededError, RefundExceededError
from crm_suite.services.sales_money import ContractApprovalError, MoneyDocumentError, PaymentPlanError
from crm_suite.tests.test_sales_orders import make_product, selling_doc
from crm_suite.tests.utils import CRMTestCase, listed_and_readable, make_customer, make_sales_team


def customer_figures(customer: str):
	return receivables.figures(receivables.CUSTOMER, customer)


def ledger_total(field: str, value: str) -> float:
	return flt(
		frappe.db.sql(
			f"select sum(amount) from `tabReceivable Ledger Entry` where `{field}` = %s",
			(value,),
		)[0][0]
	)


class MoneyTestCase(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		self.customer = make_customer(salesperson=self.team["sales_a"]).name
		self.product = make_product(list_price=1000, default_tax_rate=0)

	def confirmed_order(self, qty: float = 1, user: str | None = None):
		frappe.set_user(user or self.team["sales_a"])
		order = selling_doc("Customer Order", self.customer, [{"product": self.product, "qty": qty}])
		order.submit()
		frappe.set_user("Administrator")
		return order

	def pay(self, amount, submit: bool = True, **values):
		doc = frappe.get_doc(
			{"doctype": "Customer Payment", "customer": self.customer, "amount": amount, **values}
		).insert()
		if submit:
			doc.submit()
		return doc

	def refund(self, amount, **values):
		doc = frappe.get_doc(
			{
				"doctype": "Customer Refund",
				"customer": self.customer,
				"amount": amount,
				"reason": "退货",
				**values,
			}
		).insert()
		doc.submit()
		return doc

	def contract(self, amount=None, lines=None, **values):
		return frappe.get_doc(
			{
				"doctype": "Sales Contract",
				"contract_title": "年度服务合同",
				"customer": self.customer,
				"start_date": today(),
				"end_date": add_days(today(), 365),
				"contract_amount": amount,
				"lines": lines or [],
				**values,
			}
		).insert()

	def assertLedgerAgrees(self):
		self.assertEqual(receivables.ledger_mismatches(), [])


class TestContractApproval(MoneyTestCase):
	def test_a_manager_approves_a_contract_up_to_the_threshold(self):
		frappe.set_user(self.team["sales_a"])
		contract = self.contract(amount=80000)
		self.assertEqual((contract.workflow_state, contract.status), ("Pending", "Pending"))
		self.assertFalse(contract.needs_admin_approval)
		self.assertEqual(contract.salesperson, self.team["sales_a"])
		with self.assertRaises(frappe.ValidationError):  # a salesperson has no transition
			apply_workflow(frappe.get_doc("Sales Contract", contract.name), "Approve")
		with self.assertRaises(frappe.PermissionError):  # nor may they submit it directly
			frappe.get_doc("Sales Contract", contract.name).submit()
		frappe.set_user(self.team["manager"])
		approved = apply_workflow(frappe.get_doc("Sales Contract", contract.name), "Approve")
		self.assertEqual((approved.docstatus, approved.status), (1, "Active"))
		self.assertEqual(approved.approved_by, self.team["manager"])
		self.assertEqual(float(customer_figures(self.customer).balance), 80000)
		self.assertLedgerAgrees()

	def test_above_the_threshold_only_a_crm_admin_approves(self):
		frappe.set_user(self.team["sales_a"])
		contract = self.contract(amount=150000)
		self.assertTrue(contract.needs_admin_approval)
		frappe.set_user(self.team["manager"])
		with self.assertRaises(WorkflowTransitionError):
			apply_workflow(frappe.get_doc("Sales Contract", contract.name), "Approve")
		with self.assertRaises(ContractApprovalError):  # the direct path is closed too
			frappe.get_doc("Sales Contract", contract.name).submit()
		frappe.set_user(self.team["admin"])
		approved = apply_workflow(frappe.get_doc("Sales Contract", contract.name), "Approve")
		self.assertEqual(approved.docstatus, 1)
		self.assertEqual(approved.approved_by, self.team["admin"])

	def test_the_threshold_is_the_setting(self):
		frappe.db.set_single_value("CRM Suite Settings", "contract_admin_threshold", 500)
		frappe.set_user(self.team["sales_a"])
		self.assertTrue(self.contract(amount=501).needs_admin_approval)
		self.assertFalse(self.contract(amount=500).needs_admin_approval)

	def test_a_rejected_contract_posts_nothing(self):
		frappe.set_user(self.team["sales_a"])
		contract = self.contract(amount=1000)
		frappe.set_user(self.team["manager"])
		rejected = apply_workflow(frappe.get_doc("Sales Contract", contract.name), "Reject")
		self.assertEqual((rejected.docstatus, rejected.status), (0, "Rejected"))
		self.assertEqual(customer_figures(self.customer).receivable, 0)

	def test_lines_give_the_amount_and_bad_input_is_refused(self):
		frappe.set_user(self.team["sales_a"])
		contract = self.contract(
			lines=[{"product": self.product, "qty": 3}, {"product": self.product, "qty": 0.5, "price": 0.1}]
		)
		self.assertEqual(contract.contract_amount, 3000.05)
		self.assertEqual(contract.contract_amount_in_words, "叁仟元零伍分")
		for values in (
			{"amount": 0},
			{"amount": 100, "end_date": add_days(today(), -1)},
			{"lines": [{"product": self.product, "qty": 0}]},
		):
			with self.subTest(values=values), self.assertRaises(frappe.ValidationError):
				self.contract(**values)

	def test_cost_and_margin_are_for_managers_only(self):
		frappe.set_user(self.team["manager"])
		contract = self.contract(amount=10000, estimated_cost=6500)
		self.assertEqual(contract.gross_margin, 3500)
		frappe.set_user(self.team["sales_a"])
		doc = frappe.get_doc("Sales Contract", contract.name)
		doc.apply_fieldlevel_read_permissions()
		self.assertEqual((doc.get("estimated_cost"), doc.get("gross_margin")), (None, None))
		self.assertEqual(doc.contract_amount, 10000)

	def test_cancelling_an_approved_contract_reverses_its_receivable_once(self):
		contract = self.contract(amount=5000)
		frappe.set_user(self.team["manager"])
		contract = apply_workflow(frappe.get_doc("Sales Contract", contract.name), "Approve")
		contract.cancel()
		self.assertEqual(frappe.db.get_value("Sales Contract", contract.name, "status"), "Cancelled")
		self.assertFalse(receivables.reverse(frappe.get_doc("Sales Contract", contract.name)))
		self.assertEqual(customer_figures(self.customer).balance, 0)
		self.assertEqual(
			frappe.db.count("Receivable Ledger Entry", {"voucher_no": contract.name, "is_reversal": 1}), 1
		)
		self.assertLedgerAgrees()

	def test_a_contract_covering_an_order_leaves_the_receivable_to_the_order(self):
		order = self.confirmed_order()
		contract = self.contract(amount=1000, customer_order=order.name)
		frappe.set_user(self.team["manager"])
		apply_workflow(frappe.get_doc("Sales Contract", contract.name), "Approve")
		self.assertEqual(float(customer_figures(self.customer).receivable), 1000)
		frappe.set_user("Administrator")
		with self.assertRaises(MoneyDocumentError):
			self.pay(10, sales_contract=contract.name)

	def test_renewal_reminders_go_once_and_ended_contracts_expire(self):
		soon = self.contract(amount=100, start_date=add_days(today(), -300), end_date=add_days(today(), 10))
		ended = self.contract(amount=100, start_date=add_days(today(), -300), end_date=add_days(today(), -1))
		later = self.contract(amount=100, end_date=add_days(today(), 200))
		for name in (soon.name, ended.name, later.name):
			apply_workflow(frappe.get_doc("Sales Contract", name), "Approve")
		before = frappe.db.count("Notification Log", {"for_user": self.team["sales_a"]})
		self.assertEqual(sales_money.remind_contract_renewals(), 1)
		self.assertEqual(sales_money.remind_contract_renewals(), 0)
		self.assertEqual(frappe.db.count("Notification Log", {"for_user": self.team["sales_a"]}), before + 1)
		self.assertEqual(frappe.db.get_value("Sales Contract", ended.name, "status"), "Expired")
		self.assertEqual(frappe.db.get_value("Sales Contract", later.name, "renewal_notified"), 0)


class TestPayments(MoneyTestCase):
	def test_partial_payments_set_the_orders_paid_amount_and_status(self):
		order = self.confirmed_order(qty=2)
		self.assertEqual(float(receivables.figures("Customer Order", order.name).balance), 2000)
		frappe.set_user(self.team["sales_a"])
		self.pay(500, customer_order=order.name)
		self.assertEqual(
			frappe.db.get_value("Customer Order", order.name, ["paid_amount", "payment_status"]),
			(500, "Partly Paid"),
		)
		self.pay(1500, customer_order=order.name, payment_method="Cash")
		self.assertEqual(
			frappe.db.get_value("Customer Order", order.name, ["paid_amount", "payment_status"]),
			(2000, "Paid"),
		)
		self.assertEqual(customer_figures(self.customer).balance, 0)
		self.assertLedgerAgrees()

	def test_a_payment_above_the_receivable_is_refused(self):
		order = self.confirmed_order()
		self.pay(600, customer_order=order.name)
		with self.assertRaises(ReceivableExceededError):
			self.pay(400.01, customer_order=order.name)
		draft = selling_doc("Customer Order", self.customer, [{"product": self.product, "qty": 1}])
		with self.assertRaises(ReceivableExceededError):  # nothing is receivable on an unconfirmed order
			self.pay(1, customer_order=draft.name)
		for amount in (0, -5):
			with self.subTest(amount=amount), self.assertRaises(frappe.ValidationError):
				self.pay(amount, customer_order=order.name)
		with self.assertRaises(MoneyDocumentError):  # neither an order nor a contract nor an advance
			self.pay(1)
		self.assertEqual(float(customer_figures(self.customer).collected), 600)

	def test_an_advance_is_explicit_and_only_against_the_customer(self):
		self.pay(300, is_advance=1)
		self.assertEqual(float(customer_figures(self.customer).balance), -300)
		order = self.confirmed_order()
		with self.assertRaises(MoneyDocumentError):
			self.pay(1, is_advance=1, customer_order=order.name)
		self.assertEqual(float(customer_figures(self.customer).balance), 700)
		self.assertLedgerAgrees()

	def test_refunds_are_limited_to_what_was_collected(self):
		order = self.confirmed_order()
		payment = self.pay(1000, customer_order=order.name)
		with self.assertRaises(RefundExceededError):
			self.refund(1000.01, customer_order=order.name)
		self.refund(400, customer_payment=payment.name)  # the payment names the order
		self.assertEqual(
			frappe.db.get_value("Customer Order", order.name, ["paid_amount", "payment_status"]),
			(600, "Partly Paid"),
		)
		with self.assertRaises(RefundExceededError):  # its money is partly refunded: refund first
			frappe.get_doc("Customer Payment", payment.name).cancel()
		self.assertEqual(float(receivables.figures("Customer Order", order.name).balance), 400)
		self.assertLedgerAgrees()

	def test_cancelling_a_paid_order_reverses_its_receivable_once_and_the_money_is_refunded(self):
		order = self.confirmed_order()
		self.pay(1000, customer_order=order.name)
		frappe.get_doc("Customer Order", order.name).cancel()
		self.assertEqual(float(receivables.figures("Customer Order", order.name).balance), -1000)
		self.assertFalse(receivables.reverse(frappe.get_doc("Customer Order", order.name)))
		self.assertEqual(ledger_total("against_name", order.name), -1000)
		with self.assertRaises(frappe.ValidationError):  # nothing receivable (and a cancelled link)
			self.pay(1, customer_order=order.name)
		payment = frappe.get_all("Customer Payment", filters={"customer_order": order.name}, pluck="name")[0]
		with self.assertRaises(RefundExceededError):
			self.refund(1000.01, customer_payment=payment)
		refund = self.refund(1000, customer_payment=payment)
		self.assertIsNone(
			refund.customer_order
		)  # no link to the cancelled order: its points are reversed already
		self.assertEqual(
			frappe.db.get_value("Customer Order", order.name, ["paid_amount", "payment_status"]),
			(0, "Refunded"),
		)
		self.assertEqual(customer_figures(self.customer).balance, 0)
		self.assertLedgerAgrees()

	def test_cancelling_a_payment_reverses_it_once(self):
		order = self.confirmed_order()
		payment = self.pay(250, customer_order=order.name)
		payment.cancel()
		self.assertFalse(receivables.reverse(frappe.get_doc("Customer Payment", payment.name)))
		self.assertEqual(
			frappe.db.get_value("Customer Order", order.name, ["paid_amount", "payment_status"]),
			(0, "Unpaid"),
		)
		self.assertEqual(float(customer_figures(self.customer).balance), 1000)
		self.assertLedgerAgrees()

	def test_the_ledger_equals_the_balances_after_a_random_sequence(self):
		rng = random.Random(15)
		orders = [self.confirmed_order(qty=rng.randint(1, 5)) for _ in range(4)]
		payments = []
		for _ in range(60):
			open_orders = [
				o for o in orders if frappe.db.get_value("Customer Order", o.name, "docstatus") == 1
			]
			order = rng.choice(open_orders or orders)
			action = rng.random()
			try:
				if action < 0.55 and open_orders:
					payments.append(self.pay(rng.randint(1, 2500), customer_order=order.name))
				elif action < 0.7 and payments:
					self.refund(rng.randint(1, 500), customer_payment=rng.choice(payments).name)
				elif action < 0.85 and payments:
					frappe.get_doc(
						"Customer Payment", payments.pop(rng.randrange(len(payments))).name
					).cancel()
				elif action < 0.9:
					self.pay(rng.randint(1, 300), is_advance=1)
				elif frappe.db.get_value("Customer Order", order.name, "docstatus") == 1:
					frappe.get_doc("Customer Order", order.name).cancel()
			except (ReceivableExceededError, RefundExceededError):
				pass
		self.assertLedgerAgrees()
		self.assertAlmostEqual(
			float(customer_figures(self.customer).balance), ledger_total("customer", self.customer), 2
		)
		for order in orders:
			have = receivables.figures("Customer Order", order.name)
			self.assertGreaterEqual(have.collected, have.refunded)
			if frappe.db.get_value("Customer Order", order.name, "docstatus") == 1:
				self.assertGreaterEqual(have.balance, 0)  # never over-collected


class TestPaymentPlans(MoneyTestCase):
	def plan(self, order, instalments):
		return frappe.get_doc(
			{
				"doctype": "Payment Plan",
				"customer_order": order.name,
				"instalments": [{"due_date": d, "amount": a} for d, a in instalments],
			}
		).insert()

	def test_instalments_add_up_to_no_more_than_the_total(self):
		order = self.confirmed_order()
		with self.assertRaises(PaymentPlanError):
			self.plan(order, [(today(), 600), (today(), 400.01)])
		with self.assertRaises(PaymentPlanError):
			self.plan(order, [(today(), 0)])
		plan = self.plan(order, [(today(), 600), (add_days(today(), 30), 400)])
		self.assertEqual(
			(plan.customer, plan.document_total, plan.planned_total), (self.customer, 1000, 1000)
		)
		with self.assertRaises(PaymentPlanError):  # one plan per order
			self.plan(order, [(today(), 1)])

	def test_several_payments_per_instalment(self):
		order = self.confirmed_order()
		plan = self.plan(order, [(today(), 600), (add_days(today(), 30), 400)])
		first = plan.instalments[0].name
		self.pay(200, payment_plan=plan.name, plan_instalment=first)
		self.pay(400, payment_plan=plan.name, plan_instalment=first)
		row = frappe.db.get_value("Payment Plan Instalment", first, ["paid_amount", "status"])
		self.assertEqual(row, (600, "Paid"))
		self.assertEqual(frappe.db.get_value("Customer Order", order.name, "payment_status"), "Partly Paid")
		with self.assertRaises(MoneyDocumentError):
			self.pay(1, payment_plan=plan.name, plan_instalment="no-such-row")

	def test_overdue_instalments_are_flagged_and_owners_told_once(self):
		order = self.confirmed_order()
		plan = self.plan(
			order, [(add_days(today(), -3), 300), (add_days(today(), -1), 300), (add_days(today(), 5), 400)]
		)
		self.pay(300, payment_plan=plan.name, plan_instalment=plan.instalments[0].name)
		before = frappe.db.count("Notification Log", {"for_user": self.team["sales_a"]})
		self.assertEqual(sales_money.flag_overdue_instalments(), 1)
		self.assertEqual(sales_money.flag_overdue_instalments(), 0)
		statuses = [
			frappe.db.get_value("Payment Plan Instalment", i.name, "status") for i in plan.instalments
		]
		self.assertEqual(statuses, ["Paid", "Overdue", "Unpaid"])
		self.assertEqual(frappe.db.count("Notification Log", {"for_user": self.team["sales_a"]}), before + 1)


class TestMoneyScopeAndReports(MoneyTestCase):
	def test_salespeople_see_their_customers_money_documents_only(self):
		order = self.confirmed_order()
		payment = self.pay(100, customer_order=order.name)
		contract = self.contract(amount=100)
		balance = receivables.balance_name(receivables.CUSTOMER, self.customer)
		for doctype, name in (
			("Customer Payment", payment.name),
			("Sales Contract", contract.name),
			("Receivable Balance", balance),
		):
			with self.subTest(doctype=doctype):
				self.assertEqual(listed_and_readable(doctype, name, self.team["sales_a"]), (True, True))
				self.assertEqual(listed_and_readable(doctype, name, self.team["manager"]), (True, True))
				self.assertEqual(listed_and_readable(doctype, name, self.team["sales_b"]), (False, False))
				self.assertEqual(listed_and_readable(doctype, name, self.team["outsider"]), (False, False))
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(frappe.PermissionError):
			self.pay(1, customer_order=order.name)

	def test_reports_run_for_every_role_and_stay_in_scope(self):
		order = self.confirmed_order()
		self.pay(400, customer_order=order.name)
		for user in ("Administrator", self.team["manager"], self.team["sales_a"], self.team["sales_b"]):
			frappe.set_user(user)
			for filters in (
				{},
				{"group_by_month": 0},
				{"sales_department": "测试销售部"},
				{"salesperson": self.team["sales_a"]},
			):
				columns, data, _m, chart, summary = collection_rate.execute(filters)
				self.assertTrue(columns and chart and summary)
				mine = [r for r in data if r["label"] == self.team["sales_a"]]
				if user == self.team["sales_b"]:
					self.assertEqual(mine, [])
				else:
					self.assertGreaterEqual(sum(r["due"] for r in mine), 1000)
			for kind in ("Customer Account", "Customer Order", "Sales Contract"):
				_c, rows, _m, _ch, _s = customer_receivables.execute({"balance_of": kind, "only_open": 1})
				names = {r.balance_name for r in rows}
				expected = kind != "Sales Contract" and user != self.team["sales_b"]
				self.assertEqual((self.customer in names) or (order.name in names), expected, (user, kind))
		frappe.set_user("Administrator")
		_c, data, *_ = collection_rate.execute({"salesperson": self.team["sales_a"]})
		department = next(r for r in data if r["label"] == "测试销售部")  # the subtree rolls up to the parent
		self.assertEqual((department["due"], department["collected"], department["rate"]), (1000, 400, 40.0))

	def test_print_formats_write_amounts_in_capital_numerals(self):
		order = self.confirmed_order(qty=2)
		payment = self.pay(1234.5, customer_order=order.name)
		html = frappe.get_print("Customer Payment", payment.name, print_format="Customer Payment Receipt")
		self.assertIn("壹仟贰佰叁拾肆元伍角", html)
		contract = self.contract(amount=88000)
		html = frappe.get_print("Sales Contract", contract.name, print_format="Sales Contract Sheet")
		self.assertIn("捌万捌仟元整", html)

	def test_the_customer_receivable_endpoint(self):
		from crm_suite.api.sales_money import customer_receivable

		order = self.confirmed_order()
		self.pay(300, customer_order=order.name)
		frappe.set_user(self.team["sales_a"])
		self.assertEqual(
			customer_receivable(self.customer),
			{"receivable": 1000, "collected": 300, "refunded": 0, "balance": 700},
		)
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(frappe.PermissionError):
			customer_receivable(self.customer)

	def test_the_customer_form_brings_its_figures_and_contacts_only(self):
		"""The form's onload carries the dashboard's receivable figures and points (no requests of their own after
		the form, issue 19) — the endpoint's figures, for the same readers — and the contact cards without the
		address list the form has no field for."""
		from crm_suite.api.sales_money import customer_receivable

		order = self.confirmed_order()
		self.pay(300, customer_order=order.name)
		frappe.db.set_single_value("CRM Suite Settings", "enable_loyalty_points", 0)
		frappe.set_user(self.team["sales_a"])
		doc = frappe.get_doc("Customer Account", self.customer)
		doc.run_method("onload")
		onload = doc.get_onload()
		figures = customer_receivable(self.customer)
		self.assertEqual(
			onload.crm_figures,
			{
				"receivable": {
					"balance": figures["balance"],
					"collected": figures["collected"] - figures["refunded"],
				}
			},
		)
		self.assertEqual(onload.contact_list, [])
		self.assertNotIn("addr_list", onload)

		frappe.set_user("Administrator")
		frappe.db.set_single_value("CRM Suite Settings", "enable_loyalty_points", 1)
		frappe.set_user(self.team["sales_a"])
		doc.run_method("onload")
		self.assertEqual(doc.get_onload().crm_figures["points"], 0)

		# a customer without money documents shows no receivable figures; its contact, a card
		other = make_customer(salesperson=self.team["sales_a"])
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "表单联系人",
				"links": [{"link_doctype": "Customer Account", "link_name": other.name}],
			}
		).insert()
		other.run_method("onload")
		self.assertNotIn("receivable", other.get_onload().crm_figures)
		self.assertEqual([c.name for c in other.get_onload().contact_list], [contact.name])


class TestCollectionRollup(MoneyTestCase):
	"""The collection rollup (RPT-08) equals the GROUP BY over the raw ledger after anything: postings on many
	days, cancellations, refunds, customers moved to another salesperson, a rebuild killed half-way."""

	def assertRollupAgrees(self):
		self.assertEqual(collection_rollup.mismatches(), [])

	def random_history(self, rng: random.Random, steps: int):
		"""Orders, payments, refunds and cancellations on random days of the last 100, the customer moving
		between the two salespeople now and then (the money stays with whoever earned it)."""
		from crm_suite.services.pool import handovers

		orders, payments = [], []
		for _ in range(steps):
			day = add_days(today(), -rng.randint(0, 100))
			action = rng.random()
			owner = frappe.db.get_value("Customer Account", self.customer, "salesperson")
			try:
				if action < 0.2 or not orders:
					frappe.set_user(owner)
					order = selling_doc(
						"Customer Order",
						self.customer,
						[{"product": self.product, "qty": rng.randint(1, 4)}],
						transaction_date=day,
					)
					order.submit()
					frappe.set_user("Administrator")
					orders.append(order)
				elif action < 0.6:
					order = rng.choice(orders)
					payments.append(
						self.pay(rng.randint(1, 1500), customer_order=order.name, posting_date=day)
					)
				elif action < 0.7 and payments:
					self.refund(
						rng.randint(1, 400), customer_payment=rng.choice(payments).name, posting_date=day
					)
				elif action < 0.8 and payments:
					frappe.get_doc(
						"Customer Payment", payments.pop(rng.randrange(len(payments))).name
					).cancel()
				elif action < 0.85:
					order = orders.pop(rng.randrange(len(orders)))
					if frappe.db.get_value("Customer Order", order.name, "docstatus") == 1:
						frappe.get_doc("Customer Order", order.name).cancel()
				elif action < 0.9:
					self.pay(rng.randint(1, 300), is_advance=1, posting_date=day)
				else:
					other = self.team["sales_b"] if owner == self.team["sales_a"] else self.team["sales_a"]
					handovers.transfer(self.customer, other, reason="轮岗")
			except (ReceivableExceededError, RefundExceededError):
				pass
			finally:
				frappe.set_user("Administrator")

	def test_the_rollup_equals_the_raw_ledger_after_a_random_history(self):
		self.random_history(random.Random(8), 80)
		earners = frappe.db.sql(
			"select distinct salesperson from `tabReceivable Ledger Entry` where customer = %s",
			(self.customer,),
		)
		self.assertEqual(  # the customer moved: both salespeople earned part of the money
			{r[0] for r in earners}, {self.team["sales_a"], self.team["sales_b"]}
		)
		days = frappe.db.sql(
			"select count(distinct posting_date) from `tabCollection Daily Rollup` where salesperson in %s",
			([self.team["sales_a"], self.team["sales_b"]],),
		)[0][0]
		self.assertGreater(days, 10)
		self.assertRollupAgrees()
		self.assertLedgerAgrees()

	def test_a_rebuild_killed_half_way_and_run_again_converges(self):
		def chunk_done():
			frappe.db.savepoint("rollup_chunk")

		self.random_history(random.Random(21), 40)
		table = "`tabCollection Daily Rollup`"
		# the rollup goes wrong (a lost row, a wrong figure, a stray row), as after a restore of only one table
		frappe.db.sql(f"delete from {table} order by posting_date limit 3")
		frappe.db.sql(f"update {table} set paid_amount = paid_amount + 7 order by posting_date desc limit 2")
		frappe.db.sql(
			f"""insert into {table} (name, posting_date, salesperson, due_amount, paid_amount, refunded_amount,
				entry_count) values ('stray', %s, %s, 1, 1, 0, 1)""",
			(add_days(today(), -50), self.team["sales_a"]),
		)
		self.assertNotEqual(collection_rollup.mismatches(), [])

		first = collection_rollup.rebuild(restart=True, stop_after_chunks=2, commit=chunk_done)
		self.assertEqual((first["chunks"], first["done"]), (2, False))
		through = collection_rollup.rebuilt_through()
		self.assertIsNotNone(through)
		# killed inside the third month: its delete is rolled back with the rest of its transaction
		frappe.db.sql(f"delete from {table} where posting_date > %s", (through,))
		frappe.db.rollback(save_point="rollup_chunk")
		self.assertEqual(collection_rollup.rebuilt_through(), through)
		# postings go on between the kill and the rerun, into rebuilt and not yet rebuilt months alike
		self.random_history(random.Random(22), 15)

		second = collection_rollup.rebuild(commit=chunk_done)
		self.assertTrue(second["done"])
		self.assertIsNone(collection_rollup.rebuilt_through())
		months = frappe.db.sql(
			f"select period_diff(date_format(max(posting_date), '%%Y%%m'), date_format(%s, '%%Y%%m')) from {table}",
			(through,),
		)[0][0]
		self.assertEqual(second["chunks"], months)  # it resumed after the committed months
		self.assertRollupAgrees()
		self.assertIsNone(frappe.db.get_value("Collection Daily Rollup", "stray"))

	def test_the_report_reads_the_rollup_in_the_salespeople_s_scope(self):
		order = self.confirmed_order(qty=2)
		self.pay(500, customer_order=order.name)
		customer_b = make_customer(salesperson=self.team["sales_b"]).name
		frappe.set_user(self.team["sales_b"])
		order_b = selling_doc("Customer Order", customer_b, [{"product": self.product, "qty": 1}])
		order_b.submit()
		frappe.set_user("Administrator")
		self.pay(250, customer=customer_b, customer_order=order_b.name)
		expected = {self.team["sales_a"]: (2000, 500), self.team["sales_b"]: (1000, 250)}
		for user, labels in (
			(self.team["sales_a"], {self.team["sales_a"]}),
			(self.team["sales_b"], {self.team["sales_b"]}),
			(self.team["manager"], {self.team["sales_a"], self.team["sales_b"]}),
			(self.team["admin"], {self.team["sales_a"], self.team["sales_b"]}),
		):
			frappe.set_user(user)
			_c, data, *_ = collection_rate.execute({})
			people = {r["label"]: r for r in data if r["label"] in expected}
			self.assertEqual(set(people), labels, user)
			for label, row in people.items():
				self.assertEqual((row["due"], row["collected"]), expected[label])
			listed = set(frappe.get_list("Collection Daily Rollup", pluck="salesperson")) & set(expected)
			self.assertEqual(listed, labels, user)
			_c, data, *_ = collection_rate.execute({"currency": "USD"})  # the payments are in CNY
			self.assertFalse([r for r in data if r["label"] in expected])
		frappe.set_user("Administrator")

	def test_only_admins_queue_a_rebuild(self):
		from crm_suite.api.sales_money import rebuild_collection_rollup

		frappe.set_user(self.team["manager"])
		with self.assertRaises(frappe.PermissionError):
			rebuild_collection_rollup()
