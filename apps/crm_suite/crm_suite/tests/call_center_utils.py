"""Factories for the call-centre tests: a device user with a token, a phone line bound to users, and a
fake HTTP request carrying the device's Authorization header."""

from contextlib import contextmanager
from types import SimpleNamespace

import frappe
from frappe.core.doctype.user.user import generate_keys

from crm_suite.permissions.call_center import clear_line_cache
from crm_suite.services.call_center import clear_settings_cache
from crm_suite.tests.utils import make_user


def make_device(local: str = "bridge") -> dict:
	user = make_user(local, ["Caller ID Device"])
	secret = generate_keys(user)["api_secret"]
	api_key = frappe.db.get_value("User", user, "api_key")
	return {"user": user, "token": f"{api_key}:{secret}"}


def make_line(line_id: str, users: list[str], device_user: str | None = None, **values) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Phone Line",
			"line_id": line_id,
			"line_name": line_id,
			"device_user": device_user,
			"users": [{"user": u} for u in users],
			**values,
		}
	).insert(ignore_permissions=True)
	clear_line_cache()
	return doc.name


def reset_caches():
	clear_line_cache()
	clear_settings_cache()


@contextmanager
def device_request(token: str | None, user: str | None = None, scheme: str = "token"):
	"""Run as the bridge would arrive over HTTP: session user set by Frappe's token auth, header present."""
	headers = {"Authorization": f"{scheme} {token}"} if token else {}
	previous = getattr(frappe.local, "request", None)
	frappe.local.request = SimpleNamespace(headers=headers, method="POST")
	frappe.local.request_ip = "127.0.0.1"
	frappe.local.form_dict.cmd = "crm_suite.api.callerid.incoming_call"
	if user:
		frappe.set_user(user)
	try:
		yield
	finally:
		frappe.local.request = previous
		frappe.set_user("Administrator")
