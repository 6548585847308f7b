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

// A product fills in its name, model, unit, list price and default tax rate (the server does the same for lines sent without them).
frappe.ui.form.on("Customer Order Line", {
	product(frm, cdt, cdn) {
		const row = locals[cdt][cdn];
		if (!row.product) return;
		frappe.db
			.get_value("Sales Product", row.product, ["product_name", "model", "unit", "list_price", "default_tax_rate"])
			.then(({ message }) => {
				if (!message) return;
				frappe.model.set_value(cdt, cdn, {
					product_name: message.product_name,
					model: message.model,
					unit: row.unit || message.unit,
					price: message.list_price,
					tax_rate: message.default_tax_rate,
				});
			});
	},
});
