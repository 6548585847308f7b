"""Thin scheduler entry points (hooks.scheduler_events); the work lives in services/."""


def mark_missed_calls():
	from crm_suite.services.call_center import mark_missed_calls

	mark_missed_calls()


def purge_old_recordings():
	from crm_suite.services.recordings import purge_old_recordings

	purge_old_recordings()
