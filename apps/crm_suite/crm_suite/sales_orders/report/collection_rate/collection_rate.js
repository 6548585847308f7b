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
		crm_suite.reports.add_rollup_rebuild(
			report,
			__("Rebuild Collection Rollup"),
			__("Recompute the collection figures from the receivable ledger?"),
			"crm_suite.api.sales_money.rebuild_collection_rollup"
		);
	},
	tree: true,
	name_field: "row_id",
	parent_field: "parent_row",
	initial_depth: 1,
};
