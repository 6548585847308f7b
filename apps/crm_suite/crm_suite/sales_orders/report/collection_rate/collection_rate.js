frappe.query_reports["Collection Rate"] = {
	filters: [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", default: frappe.datetime.add_months(frappe.datetime.month_start(), -11), reqd: 1 },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.month_end(), reqd: 1 },
		{ fieldname: "sales_department", label: __("Sales Department"), fieldtype: "Link", options: "Sales Department" },
		{ fieldname: "salesperson", label: __("Salesperson"), fieldtype: "Link", options: "User" },
		{ fieldname: "currency", label: __("Currency"), fieldtype: "Link", options: "Currency" },
		{ fieldname: "group_by_month", label: __("Per Month"), fieldtype: "Check", default: 1 },
	],
	onload(report) {
		// admins rebuild the rollup the report reads (after a restore or a data repair); it runs in the background
		if (frappe.user.has_role("CRM Admin") || frappe.user.has_role("System Manager")) {
			report.page.add_inner_button(__("Rebuild Collection Rollup"), () => {
				frappe.confirm(__("Recompute the collection figures from the receivable ledger?"), () =>
					frappe
						.xcall("crm_suite.api.sales_money.rebuild_collection_rollup")
						.then(() => frappe.show_alert({ message: __("Rebuild queued"), indicator: "blue" }))
				);
			});
		}
	},
	tree: true,
	name_field: "row_id",
	parent_field: "parent_row",
	initial_depth: 1,
};
