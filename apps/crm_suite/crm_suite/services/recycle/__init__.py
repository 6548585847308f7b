"""Scheduled recycling (SPEC POOL-05, POOL-12), one module per idea: the rules as conditions (`rules`), one
batch and its audit rows (`batch`), runs and the jobs that share them (`run`), warnings and the run's
notice (`notices`), the dry run (`preview`)."""

from crm_suite.services.recycle.notices import send_warnings
from crm_suite.services.recycle.preview import preview
from crm_suite.services.recycle.run import run_all, run_now, run_recycle

__all__ = ["preview", "run_all", "run_now", "run_recycle", "send_warnings"]
