frappe.query_reports["Follow Up Query"] = {
	filters: [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", default: frappe.datetime.add_months(frappe.datetime.get_today(), -1), reqd: 1 },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer Account" },
		{ fieldname: "salesperson", label: __("Salesperson"), fieldtype: "Link", options: "User" },
		{ fieldname: "sales_department", label: __("Sales Department"), fieldtype: "Link", options: "Sales Department" },
		{ fieldname: "method", label: __("Method"), fieldtype: "Link", options: "Follow Up Method" },
		{
			fieldname: "customer_status",
			label: __("Customer Status"),
			fieldtype: "Select",
			options: ["", "Pending", "Pool", "Following", "Deal", "Shelved", "Invalid"],
		},
	],
};
