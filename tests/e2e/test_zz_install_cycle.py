"""Runs last: uninstall-app and install-app on the real test site (foundation)."""

from conftest import SITE, bench


def test_uninstall_then_reinstall(stack):
	out = bench("--site", SITE, "uninstall-app", "crm_suite", "--yes", "--no-backup", "--force", timeout=600)
	apps = bench("--site", SITE, "list-apps").stdout
	assert "crm_suite" not in apps, out.stdout[-2000:]
	bench("--site", SITE, "install-app", "crm_suite", timeout=600)
	apps = bench("--site", SITE, "list-apps").stdout
	assert "crm_suite" in apps
	check = bench(
		"--site", SITE, "execute", "frappe.db.count", "--args", '["Customer Category"]'
	).stdout.strip()
	assert check.splitlines()[-1] == "5", check
