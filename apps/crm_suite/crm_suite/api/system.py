"""Connectivity checks for integrators and the caller-ID bridge: is the site reachable, who am I,
does realtime reach my Desk (through the web process or through a background worker)?"""

import frappe
from frappe.utils import now_datetime

from crm_suite import __version__

ECHO_EVENT = "crm_suite_echo"


@frappe.whitelist(methods=["GET"])
def ping() -> dict:
	return {"user": frappe.session.user, "version": __version__, "server_time": str(now_datetime())}


@frappe.whitelist(methods=["POST"])
def realtime_echo(message: str = "ping", via_worker: bool = False) -> dict:
	"""Send `message` back to the caller's own realtime room (never to anyone else)."""
	payload = {
		"message": str(message)[:200],
		"sent_at": str(now_datetime()),
		"via_worker": bool(int(via_worker)),
	}
	if payload["via_worker"]:
		frappe.enqueue(
			"crm_suite.api.system.publish_echo",
			queue="short",
			user=frappe.session.user,
			payload=payload,
			enqueue_after_commit=True,
		)
	else:
		publish_echo(frappe.session.user, payload)
	return payload


def publish_echo(user: str, payload: dict):
	frappe.publish_realtime(ECHO_EVENT, payload, user=user, after_commit=True)
