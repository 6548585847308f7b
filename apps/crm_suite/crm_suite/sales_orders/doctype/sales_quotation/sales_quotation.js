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

// A product fills in the line (crm_suite.sales.fill_line_from_product, public/js/sales_actions.js).
frappe.ui.form.on("Sales Quotation Line", {
	product(frm, cdt, cdn) {
		crm_suite.sales.fill_line_from_product(cdt, cdn);
	},
});
