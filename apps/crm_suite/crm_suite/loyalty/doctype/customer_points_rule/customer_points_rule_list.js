// Points rules (SPEC SALE-08): one rule for many products at once.
frappe.listview_settings["Customer Points Rule"] = {
	onload(listview) {
		if (!frappe.model.can_create("Customer Points Rule")) return;
		listview.page.add_inner_button(__("Set Rules in Bulk"), () => {
			const selected = listview.get_checked_items().map((row) => row.product);
			const dialog = new frappe.ui.Dialog({
				title: __("Set Rules in Bulk"),
				fields: [
					{ fieldname: "products", label: __("Products"), fieldtype: "MultiSelectList", get_data: (txt) => frappe.db.get_link_options("Sales Product", txt), default: selected },
					{ fieldname: "category", label: __("Or Every Product of Category"), fieldtype: "Link", options: "Sales Product Category" },
					{ fieldname: "unit", label: __("Unit"), fieldtype: "Link", options: "Product Unit" },
					{ fieldname: "customer_kind", label: __("Customer Type"), fieldtype: "Link", options: "Customer Kind" },
					{ fieldname: "basis", label: __("Points Basis"), fieldtype: "Select", options: ["Per Unit", "Per Amount"], default: "Per Unit", reqd: 1 },
					{ fieldname: "rate", label: __("Points Rate"), fieldtype: "Float", reqd: 1 },
				],
				primary_action_label: __("Apply"),
				primary_action(values) {
					frappe.call({
						method: "crm_suite.api.loyalty.set_rules_in_bulk",
						args: { ...values, products: JSON.stringify(values.products || []) },
						freeze: true,
						callback: ({ message }) => {
							dialog.hide();
							frappe.show_alert({ message: __("{0} rules set", [message]), indicator: "green" });
							listview.refresh();
						},
					});
				},
			});
			dialog.show();
		});
	},
};
