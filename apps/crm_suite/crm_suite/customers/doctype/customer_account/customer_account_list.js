// Customer Account list (SPEC CUS-01): the indicator shows the customer's category in the colour an
// admin gave it in Customer Category; the lifecycle state is its own column.
frappe.provide("crm_suite");

frappe.listview_settings["Customer Account"] = {
	add_fields: ["lifecycle_state", "customer_category", "salesperson"],
	onload(listview) {
		// the categories' colours come with the Desk's boot (customers/boot.py): rows are coloured on first render
		crm_suite.category_indicators = frappe.boot.crm_suite_category_indicators || {};
		crm_suite.pool.setup_list(listview, "Customer Account");
		crm_suite.customer_import_export_buttons(listview);
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

// SPEC CUS-07: Excel template, import batches and export within the user's row scope.
crm_suite.customer_import_export_buttons = function (listview) {
	const group = __("Import / Export");
	if (frappe.model.can_import("Customer Account")) {
		listview.page.add_inner_button(
			__("Download Import Template"),
			() => {
				open_url_post(
					"/api/method/crm_suite.api.customers.download_import_template",
					{},
					true
				);
			},
			group
		);
		listview.page.add_inner_button(
			__("Import Customers"),
			() => crm_suite.customer_import_dialog(listview),
			group
		);
	}
	if (frappe.model.can_export("Customer Account")) {
		listview.page.add_inner_button(
			__("Export to Excel"),
			() => {
				open_url_post(
					"/api/method/crm_suite.api.customers.export_customers",
					{ filters: JSON.stringify(listview.get_filters_for_args() || []) },
					true
				);
			},
			group
		);
	}
};

crm_suite.customer_import_dialog = function (listview) {
	const dialog = new frappe.ui.Dialog({
		title: __("Import Customers"),
		fields: [
			{
				fieldname: "import_file",
				fieldtype: "Attach",
				label: __("Import File"),
				reqd: 1,
				description: __("An Excel file (.xlsx) filled in from the import template."),
			},
			{
				fieldname: "import_mode",
				fieldtype: "Select",
				label: __("Import Mode"),
				options: [
					{ value: "All or nothing", label: __("All or nothing") },
					{ value: "Import valid rows", label: __("Import valid rows") },
				],
				default: "All or nothing",
				reqd: 1,
			},
			{
				fieldname: "salesperson",
				fieldtype: "Link",
				options: "User",
				label: __("Assign To Salesperson"),
				description: __(
					"Rows without a salesperson of their own go to this salesperson as pending customers; leave empty to put them into the pool."
				),
			},
			{
				fieldname: "customer_pool",
				fieldtype: "Link",
				options: "Customer Pool",
				label: __("Target Pool"),
			},
		],
		primary_action_label: __("Start Import"),
		primary_action(values) {
			frappe
				.call({
					method: "crm_suite.api.customers.import_customers",
					args: values,
					freeze: true,
				})
				.then((r) => {
					dialog.hide();
					const batch = r.message;
					frappe.show_alert({
						message: __("Import {0} started; you will see its progress here.", [batch]),
						indicator: "blue",
					});
					const done = (data) => {
						if (data.batch !== batch) return;
						frappe.realtime.off("customer_import_done", done);
						frappe.hide_progress();
						frappe.msgprint({
							title: __("Import Customers"),
							message: __("Import {0}: {1}", [batch, __(data.status)]),
							indicator: data.status === "Failed" ? "red" : "green",
						});
						listview.refresh();
						frappe.set_route("Form", "Customer Import Batch", batch);
					};
					frappe.realtime.on("customer_import_done", done);
				});
		},
	});
	dialog.show();
};
