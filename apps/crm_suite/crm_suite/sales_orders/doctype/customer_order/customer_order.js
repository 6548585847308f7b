// Sales order (SPEC SALE-04): confirmed by submitting; deliveries issue the stock.
frappe.ui.form.on("Customer Order", {
	setup(frm) {
		frm.set_query("product", "lines", () => ({ filters: { enabled: 1 } }));
		frm.set_query("warehouse", () => ({ filters: { enabled: 1 } }));
		frm.set_query("warehouse", "lines", () => ({ filters: { enabled: 1 } }));
	},
	refresh(frm) {
		if (frm.doc.docstatus === 1 && frm.doc.shipment_status !== "Fully Delivered") {
			frm.add_custom_button(__("Deliver"), () =>
				frappe.model.open_mapped_doc({
					method: "crm_suite.api.sales_orders.make_order_delivery",
					frm,
				})
			);
		}
	},
});

// A product fills in the line (crm_suite.sales.fill_line_from_product, public/js/sales_actions.js).
frappe.ui.form.on("Customer Order Line", {
	product(frm, cdt, cdn) {
		crm_suite.sales.fill_line_from_product(cdt, cdn);
	},
});

// Money of a confirmed order (SPEC SALE-05, SALE-06): record a payment, plan instalments, a contract.
frappe.ui.form.on("Customer Order", {
	refresh(frm) {
		if (frm.doc.docstatus !== 1) return;
		const base = { customer: frm.doc.customer, customer_order: frm.doc.name };
		if (frm.doc.payment_status !== "Paid" && frappe.model.can_create("Customer Payment")) {
			frm.add_custom_button(__("Customer Payment"), () => frappe.new_doc("Customer Payment", base), __("Create"));
		}
		if (frappe.model.can_create("Payment Plan")) {
			frm.add_custom_button(__("Payment Plan"), () => frappe.new_doc("Payment Plan", { customer_order: frm.doc.name }), __("Create"));
		}
		if (frappe.model.can_create("Sales Contract")) {
			frm.add_custom_button(__("Sales Contract"), () => frappe.new_doc("Sales Contract", { ...base, opportunity: frm.doc.opportunity }), __("Create"));
		}
	},
});
