"""A Desk settings object (`frappe.listview_settings[...]`, `frappe.ui.form.on(...)`) holding the same key twice
keeps only the last: a merge once left the customer list with two `onload`s and silently dropped the pool's
Claim actions. Each key of such an object appears once."""

import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "apps" / "crm_suite" / "crm_suite"
OPENERS = re.compile(
	r"^(frappe\.listview_settings\[[^\]]+\]\s*=\s*\{|frappe\.ui\.form\.on\([^,]+,\s*\{)\s*$", re.M
)
KEY = re.compile(r"^\t(?:async\s+)?([A-Za-z_$][\w$]*)\s*(?:\(|:)", re.M)


def settings_objects(source: str):
	for match in OPENERS.finditer(source):
		end = source.find("\n}", match.end())
		yield match.group(1), source[match.end() : end if end > 0 else len(source)]


def test_no_settings_object_holds_a_key_twice():
	doubled = []
	for path in sorted(APP.rglob("*.js")):
		if "dist" in path.parts or "node_modules" in path.parts:
			continue
		for opener, body in settings_objects(path.read_text()):
			keys = KEY.findall(body)
			doubled += [(str(path.relative_to(APP)), opener, k) for k in set(keys) if keys.count(k) > 1]
	assert doubled == []


def test_the_lint_sees_the_customer_list():
	source = (APP / "customers/doctype/customer_account/customer_account_list.js").read_text()
	(opener, body), *_ = settings_objects(source)
	assert "onload" in KEY.findall(body) and "get_indicator" in KEY.findall(body)
