frappe.query_reports["Opportunity Stage Conversion"] = {
	filters: [
		{ fieldname: "sales_process", label: __("Sales Process"), fieldtype: "Link", options: "Sales Process" },
		{ fieldname: "salesperson", label: __("Salesperson"), fieldtype: "Link", options: "User" },
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
	],
};
