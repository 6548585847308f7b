// Customer Account list (SPEC CUS-01): the indicator shows the customer's category in the colour an
// admin gave it in Customer Category; the lifecycle state is its own column.
frappe.listview_settings["Customer Account"] = {
	add_fields: ["lifecycle_state", "customer_category", "salesperson"],
	onload(listview) {
		frappe.db
			.get_list("Customer Category", { fields: ["name", "indicator"], limit: 0 })
			.then((rows) => {
				crm_suite.category_indicators = Object.fromEntries(
					rows.map((row) => [row.name, row.indicator || "gray"])
				);
				listview.refresh();
			});
		crm_suite.pool.setup_list(listview, "Customer Account");
	},
	get_indicator(doc) {
		const colours = (window.crm_suite && crm_suite.category_indicators) || {};
		if (doc.customer_category) {
			return [
				__(doc.customer_category),
				colours[doc.customer_category] || "gray",
				`customer_category,=,${doc.customer_category}`,
			];
		}
		const state = doc.lifecycle_state || "Pending";
		return [__(state, null, "Customer Account"), "gray", `lifecycle_state,=,${state}`];
	},
};
