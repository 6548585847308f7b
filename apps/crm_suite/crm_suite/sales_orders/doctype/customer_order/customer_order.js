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
