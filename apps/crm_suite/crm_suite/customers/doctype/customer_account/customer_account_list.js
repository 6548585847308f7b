frappe.listview_settings["Customer Account"] = {
	add_fields: ["lifecycle_state", "customer_category", "salesperson"],
	get_indicator(doc) {
		const colours = {
			Pending: "gray",
			Pool: "blue",
			Following: "orange",
			Deal: "green",
			Shelved: "darkgrey",
			Invalid: "red",
		};
		const state = doc.lifecycle_state || "Pending";
		return [__(state), colours[state] || "gray", `lifecycle_state,=,${state}`];
	},
};
