// Quotation (SPEC SALE-04): amounts and totals are computed by the server on save.
frappe.ui.form.on("Sales Quotation", {
	setup(frm) {
		frm.set_query("product", "lines", () => ({ filters: { enabled: 1 } }));
	},
	refresh(frm) {
		if (frm.doc.docstatus === 1 && frm.doc.status === "Quoted") {
			frm.add_custom_button(__("Create Order"), () =>
				frappe.model.open_mapped_doc({
					method: "crm_suite.api.sales_orders.make_customer_order",
					frm,
				})
			);
		}
	},
});

// A product fills in its name, model, unit, list price and default tax rate (the server does the same for lines sent without them).
frappe.ui.form.on("Sales Quotation Line", {
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
