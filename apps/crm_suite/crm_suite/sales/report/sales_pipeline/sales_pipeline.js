frappe.query_reports["Sales Pipeline"] = {
	filters: [
		{ fieldname: "sales_process", label: __("Sales Process"), fieldtype: "Link", options: "Sales Process" },
		{ fieldname: "salesperson", label: __("Salesperson"), fieldtype: "Link", options: "User" },
		{ fieldname: "close_before", label: __("Expected Close Before"), fieldtype: "Date" },
	],
};
