// Stock movement (SPEC SALE-07): only stocked, active products.
frappe.ui.form.on("Stock Movement", {
	setup(frm) {
		frm.set_query("product", "lines", () => ({ filters: { enabled: 1, is_stocked: 1 } }));
	},
});
