"""Sales expenses (SPEC SALE-11) on a real site: the approval workflow as a salesperson and a manager, the
customer taken from the opportunity, bad amounts refused, row scope (ORG-03), and the two reports: the expense
ranking (scoped) and the customer margin (orders' net total − product cost − approved expenses; managers only)."""

import frappe
from frappe.model.workflow import WorkflowPermissionError, WorkflowTransitionError, apply_workflow

from crm_suite.sales.report.customer_profit_margin import customer_profit_margin
from crm_suite.sales.report.sales_expense_ranking import sales_expense_ranking
from crm_suite.services.expenses import InvalidExpenseError
from crm_suite.tests.test_sales_orders import make_product, selling_doc
from crm_suite.tests.utils import CRMTestCase, listed_and_readable, make_customer, make_sales_team


def make_expense(customer: str | None, amount=100, expense_type: str = "差旅费", **values):
	return frappe.get_doc(
		{
			"doctype": "Sales Expense",
			"customer": customer,
			"amount": amount,
			"expense_type": expense_type,
			**values,
		}
	).insert()


class TestSalesExpense(CRMTestCase):
	def setUp(self):
		super().setUp()
		self.team = make_sales_team()
		self.customer = make_customer(salesperson=self.team["sales_a"]).name

	def test_expense_types_are_seeded_in_chinese(self):
		for name in ("差旅费", "招待费", "礼品费", "交通费", "其他"):
			self.assertTrue(frappe.db.exists("Sales Expense Type", name), name)

	def test_a_salesperson_claims_and_a_manager_approves(self):
		frappe.set_user(self.team["sales_a"])
		expense = make_expense(self.customer, amount="88.888")
		self.assertEqual((expense.workflow_state, expense.docstatus), ("Pending", 0))
		self.assertEqual(expense.amount, 88.89)
		self.assertEqual(expense.salesperson, self.team["sales_a"])
		with self.assertRaises((WorkflowPermissionError, WorkflowTransitionError)):
			apply_workflow(expense, "Approve")
		frappe.set_user(self.team["manager"])
		approved = apply_workflow(frappe.get_doc("Sales Expense", expense.name), "Approve")
		self.assertEqual((approved.workflow_state, approved.docstatus), ("Approved", 1))
		self.assertEqual(approved.approved_by, self.team["manager"])

	def test_a_manager_rejects(self):
		frappe.set_user(self.team["sales_a"])
		expense = make_expense(self.customer)
		frappe.set_user(self.team["manager"])
		rejected = apply_workflow(frappe.get_doc("Sales Expense", expense.name), "Reject")
		self.assertEqual((rejected.workflow_state, rejected.docstatus), ("Rejected", 0))

	def test_the_customer_comes_from_the_opportunity(self):
		opportunity = frappe.get_doc(
			{
				"doctype": "Sales Opportunity",
				"opportunity_title": "测试费用商机",
				"customer": self.customer,
				"expected_amount": 1000,
			}
		).insert(ignore_permissions=True)
		expense = make_expense(None, opportunity=opportunity.name)
		self.assertEqual(expense.customer, self.customer)
		other = make_customer(salesperson=self.team["sales_a"]).name
		with self.assertRaises(InvalidExpenseError):
			make_expense(other, opportunity=opportunity.name)

	def test_bad_claims_are_refused(self):
		for values in ({"amount": 0}, {"amount": -5}, {"customer": None}):
			with self.subTest(values=values), self.assertRaises(frappe.ValidationError):
				make_expense(**{"customer": self.customer, **values})

	def test_expenses_follow_the_scope(self):
		frappe.set_user(self.team["sales_a"])
		expense = make_expense(self.customer).name
		frappe.set_user("Administrator")
		self.assertEqual(listed_and_readable("Sales Expense", expense, self.team["sales_a"]), (True, True))
		self.assertEqual(listed_and_readable("Sales Expense", expense, self.team["manager"]), (True, True))
		self.assertEqual(listed_and_readable("Sales Expense", expense, self.team["sales_b"]), (False, False))
		self.assertEqual(listed_and_readable("Sales Expense", expense, self.team["outsider"]), (False, False))
		frappe.set_user(self.team["sales_b"])
		with self.assertRaises(frappe.PermissionError):
			make_expense(self.customer)

	def approved(self, customer, amount, expense_type="差旅费"):
		expense = make_expense(customer, amount=amount, expense_type=expense_type)
		expense.submit()
		frappe.db.set_value("Sales Expense", expense.name, "workflow_state", "Approved")
		return expense

	def test_ranking_per_salesperson_customer_and_type_is_scoped(self):
		frappe.set_user(self.team["sales_a"])
		make_expense(self.customer, amount=50, expense_type="招待费")
		frappe.set_user("Administrator")
		self.approved(self.customer, 300, "差旅费")
		self.approved(self.customer, 200, "招待费")
		other = make_customer(salesperson=self.team["sales_b"]).name
		self.approved(other, 1000, "礼品费")
		frappe.set_user(self.team["sales_a"])
		_cols, data, _m, _chart, summary = sales_expense_ranking.execute({"group_by": "Expense Type"})
		self.assertEqual([(r["key"], r["amount"]) for r in data], [("差旅费", 300.0), ("招待费", 200.0)])
		_cols, data, *_ = sales_expense_ranking.execute({"group_by": "Expense Type", "include_pending": 1})
		self.assertEqual([(r["key"], r["amount"]) for r in data], [("差旅费", 300.0), ("招待费", 250.0)])
		frappe.set_user(self.team["manager"])
		_cols, data, *_ = sales_expense_ranking.execute({"group_by": "Customer"})
		self.assertEqual(
			[(r["key"], r["amount"], r["rank"]) for r in data],
			[(other, 1000.0, 1), (self.customer, 500.0, 2)],
		)
		with self.assertRaises(frappe.ValidationError):
			sales_expense_ranking.execute({"group_by": "x"})

	def test_margin_is_net_total_less_cost_and_approved_expenses_for_managers_only(self):
		product = make_product(list_price=100, default_tax_rate=13, cost_price=60)
		selling_doc("Customer Order", self.customer, [{"product": product, "qty": 10}]).submit()  # net 1,000
		selling_doc("Customer Order", self.customer, [{"product": product, "qty": 1}])  # a draft: not counted
		self.approved(self.customer, 150)
		make_expense(self.customer, amount=999)  # pending: not counted
		frappe.set_user(self.team["manager"])
		_cols, data, *_ = customer_profit_margin.execute({"customer": self.customer})
		row = data[0]
		self.assertEqual(
			(row["revenue"], row["cost"], row["expenses"], row["profit"], row["margin"]),
			(1000.0, 600.0, 150.0, 250.0, 25.0),
		)
		frappe.set_user(self.team["sales_a"])
		with self.assertRaises(frappe.PermissionError):
			customer_profit_margin.execute({})
