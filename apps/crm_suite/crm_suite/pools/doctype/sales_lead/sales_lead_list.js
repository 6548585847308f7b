frappe.listview_settings["Sales Lead"] = {
	add_fields: ["lifecycle_state", "salesperson"],
	onload(listview) {
		crm_suite.pool.setup_list(listview, "Sales Lead");
	},
};
