"""The collection rollup (SPEC RPT-08) of sites whose receivable ledger predates it: rebuilt from the ledger,
one month per transaction (resumable: a migrate killed half-way continues where it stopped)."""

from crm_suite.services import collection_rollup


def execute():
	collection_rollup.rebuild()
