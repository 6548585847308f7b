"""CRM Suite Settings: "Parallel Recycle Connections" became "Parallel Recycle Jobs" when recycling moved
from threads to jobs on the long queue (SPEC POOL-05); keep the value an admin set."""

import frappe
from frappe.model.utils.rename_field import rename_field


def execute():
	if frappe.db.get_value("Singles", {"doctype": "CRM Suite Settings", "field": "recycle_connections"}):
		rename_field("CRM Suite Settings", "recycle_connections", "recycle_jobs")
