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
