"""The follow-up and call rollups (SPEC RPT-02, RPT-07) of sites whose follow-ups and call logs predate them:
rebuilt from the raw tables, one month per transaction (resumable: a migrate killed half-way continues where
it stopped)."""

from crm_suite.services import activity_rollup


def execute():
	activity_rollup.rebuild()
