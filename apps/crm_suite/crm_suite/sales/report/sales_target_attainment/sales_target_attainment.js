frappe.query_reports["Sales Target Attainment"] = {
	filters: [
		{ fieldname: "from_month", label: __("From Month"), fieldtype: "Date", default: frappe.datetime.month_start(), reqd: 1 },
		{ fieldname: "to_month", label: __("To Month"), fieldtype: "Date", default: frappe.datetime.month_start(), reqd: 1 },
		{ fieldname: "sales_department", label: __("Sales Department"), fieldtype: "Link", options: "Sales Department" },
		{ fieldname: "salesperson", label: __("Salesperson"), fieldtype: "Link", options: "User" },
	],
	tree: true,
	name_field: "row_id",
	parent_field: "parent_row",
	initial_depth: 1,
};
