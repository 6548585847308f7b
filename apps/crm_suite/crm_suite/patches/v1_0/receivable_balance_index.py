"""Receivable Balance gets balance_of_balance (SPEC RPT-08, issue 17): Receivables Ageing reads the customers
with a non-zero balance from this index instead of every ledger row. The doctype's on_doctype_update adds it
when the doctype is synced; the doctype did not change, so this adds it too (add_index skips an index that
exists)."""


def execute():
	from crm_suite.sales_orders.doctype.receivable_balance.receivable_balance import on_doctype_update

	on_doctype_update()
