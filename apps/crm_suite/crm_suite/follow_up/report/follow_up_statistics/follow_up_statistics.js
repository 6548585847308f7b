frappe.query_reports["Follow Up Statistics"] = {
	filters: [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", default: frappe.datetime.month_start(), reqd: 1 },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{ fieldname: "salesperson", label: __("Salesperson"), fieldtype: "Link", options: "User" },
	],
};
