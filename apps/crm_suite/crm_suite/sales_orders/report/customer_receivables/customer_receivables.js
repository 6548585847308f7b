frappe.query_reports["Customer Receivables"] = {
	filters: [
		{
			fieldname: "balance_of",
			label: __("Per"),
			fieldtype: "Select",
			options: [
				{ value: "Customer Account", label: __("Customer Account") },
				{ value: "Customer Order", label: __("Customer Order") },
				{ value: "Sales Contract", label: __("Sales Contract") },
			],
			default: "Customer Account",
		},
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer Account" },
		{ fieldname: "salesperson", label: __("Salesperson"), fieldtype: "Link", options: "User" },
		{ fieldname: "only_open", label: __("Only Open Balances"), fieldtype: "Check", default: 1 },
	],
};
