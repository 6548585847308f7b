"""An order's connections: its deliveries (SPEC SALE-04)."""

from frappe import _


def get_data(data=None):
	return {
		"fieldname": "customer_order",
		"non_standard_fieldnames": {},
		"transactions": [{"label": _("Order Delivery"), "items": ["Order Delivery"]}],
	}
