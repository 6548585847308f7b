frappe.query_reports["Collection Rate"] = {
	filters: [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", default: frappe.datetime.add_months(frappe.datetime.month_start(), -11), reqd: 1 },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.month_end(), reqd: 1 },
		{ fieldname: "sales_department", label: __("Sales Department"), fieldtype: "Link", options: "Sales Department" },
		{ fieldname: "salesperson", label: __("Salesperson"), fieldtype: "Link", options: "User" },
		{ fieldname: "group_by_month", label: __("Per Month"), fieldtype: "Check", default: 1 },
	],
	tree: true,
	name_field: "row_id",
	parent_field: "parent_row",
	initial_depth: 1,
};
