"""The follow-ups' month reach (SPEC RPT-02, issue 17) of sites whose follow-ups predate it: rebuilt from the
follow-ups, one month per transaction (resumable: a migrate killed half-way continues where it stopped)."""

from crm_suite.services import reach_rollup


def execute():
	reach_rollup.rebuild()
