"""An order's connections: its deliveries (SPEC SALE-04)."""

from frappe import _


def get_data(data=None):
	return {
		"fieldname": "customer_order",
		"non_standard_fieldnames": {},
		"transactions": [
			{"label": _("Order Delivery"), "items": ["Order Delivery"]},
			# contracts, plans, payments received and refunds of the order (SALE-05, SALE-06)
			{"label": _("Payments"), "items": ["Payment Plan", "Customer Payment", "Customer Refund"]},
			{"label": _("Contracts"), "items": ["Sales Contract"]},
		],
	}
