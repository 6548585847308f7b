frappe.query_reports["Campaign Results"] = {
	filters: [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
		{
			fieldname: "status",
			label: __("Status"),
			fieldtype: "Select",
			options: ["", "Planned", "In Progress", "Completed", "Cancelled"],
		},
		{
			fieldname: "channel",
			label: __("Channel"),
			fieldtype: "Select",
			options: ["", "Exhibition", "Seminar", "Online Advertising", "Phone", "SMS", "Email", "WeChat", "Other"],
		},
		{ fieldname: "campaign_owner", label: __("Campaign Owner"), fieldtype: "Link", options: "User" },
	],
};
