"""Runs last: uninstall-app and install-app on the real test site (foundation)."""

import json

from conftest import SITE, bench


def installed_apps() -> list[str]:
	out = bench("--site", SITE, "execute", "frappe.get_installed_apps").stdout.strip()
	return json.loads(out.splitlines()[-1])


def test_uninstall_then_reinstall(stack):
	stack["stop"]()  # no web/worker/scheduler may hold the app's tables while they are dropped
	bench("--site", SITE, "uninstall-app", "crm_suite", "--yes", "--no-backup", "--force", timeout=600)
	assert "crm_suite" not in installed_apps()
	doctypes = bench(
		"--site", SITE, "execute", "frappe.db.count", "--args", '["DocType", {"module": "Customers"}]'
	)
	assert doctypes.stdout.strip() in ("", "0"), "the app's doctypes are gone"

	bench("--site", SITE, "install-app", "crm_suite", timeout=600)
	assert "crm_suite" in installed_apps()
	count = bench("--site", SITE, "execute", "frappe.db.count", "--args", '["Customer Category"]').stdout
	assert count.strip().splitlines()[-1] == "5", count
