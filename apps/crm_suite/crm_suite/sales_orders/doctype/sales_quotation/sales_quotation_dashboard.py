"""A quotation's connections: the orders made from it (SPEC SALE-04)."""

from frappe import _


def get_data(data=None):
	return {
		"fieldname": "quotation",
		"transactions": [{"label": _("Customer Order"), "items": ["Customer Order"]}],
	}
