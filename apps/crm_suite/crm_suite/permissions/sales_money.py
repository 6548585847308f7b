"""Row scope (SPEC ORG-03) of contracts, payment plans, payments received, refunds and the receivables
(SALE-05, SALE-06): a salesperson sees the money documents of customers they own and those they are the
salesperson of or made; a manager those of the department subtree's salespeople and customers; admins all.
The ledger and the balances follow the salesperson and the customer only; the collection rollup (RPT-08) the
salesperson who earned the money only (it has no customer). One criterion per doctype gives
the list condition and the per-document check (permissions/rows.py); the reports apply the same criteria."""

import frappe

from crm_suite.permissions.rows import document_permission, list_condition, scope

MONEY_DOCTYPES = ("Sales Contract", "Payment Plan", "Customer Payment", "Customer Refund")
RECEIVABLE_DOCTYPES = ("Receivable Ledger Entry", "Receivable Balance")


def _customers_of(users: list[str]):
	customer = frappe.qb.DocType("Customer Account")
	return frappe.qb.from_(customer).select(customer.name).where(customer.salesperson.isin(users))


def _money_scope(doctype: str):
	@scope(doctype)
	def criterion(user: str, users: list[str], table, ptype: str):
		return (
			table.salesperson.isin(users) | (table.owner == user) | table.customer.isin(_customers_of(users))
		)

	return criterion


def _receivable_scope(doctype: str):
	@scope(doctype)
	def criterion(user: str, users: list[str], table, ptype: str):
		return table.salesperson.isin(users) | table.customer.isin(_customers_of(users))

	return criterion


@scope("Collection Daily Rollup")
def rollup_scope(user: str, users: list[str], table, ptype: str):
	return table.salesperson.isin(users)


MONEY_SCOPES = {
	**{doctype: _money_scope(doctype) for doctype in MONEY_DOCTYPES},
	**{doctype: _receivable_scope(doctype) for doctype in RECEIVABLE_DOCTYPES},
	"Collection Daily Rollup": rollup_scope,
}
contract_query_conditions = list_condition(MONEY_SCOPES["Sales Contract"])
plan_query_conditions = list_condition(MONEY_SCOPES["Payment Plan"])
payment_query_conditions = list_condition(MONEY_SCOPES["Customer Payment"])
refund_query_conditions = list_condition(MONEY_SCOPES["Customer Refund"])
ledger_query_conditions = list_condition(MONEY_SCOPES["Receivable Ledger Entry"])
balance_query_conditions = list_condition(MONEY_SCOPES["Receivable Balance"])
rollup_query_conditions = list_condition(rollup_scope)
money_has_permission = document_permission(MONEY_SCOPES)
