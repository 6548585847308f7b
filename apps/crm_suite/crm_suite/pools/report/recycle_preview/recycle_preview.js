frappe.query_reports["Recycle Preview"] = {
	filters: [
		{
			fieldname: "on_date",
			label: __("On Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), 3),
			reqd: 1,
		},
		{ fieldname: "customer_pool", label: __("Pool"), fieldtype: "Link", options: "Customer Pool" },
		{
			fieldname: "records",
			label: __("Records"),
			fieldtype: "Select",
			options: ["Customer Account", "Sales Lead"],
			default: "Customer Account",
		},
	],
};
