// Copyright (c) 2026, crm_suite contributors
frappe.query_reports["Call Statistics"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -30),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
		{ fieldname: "sales_department", label: __("Sales Department"), fieldtype: "Link", options: "Sales Department" },
		{ fieldname: "phone_line", label: __("Phone Line"), fieldtype: "Link", options: "Phone Line" },
		{ fieldname: "user", label: __("User"), fieldtype: "Link", options: "User" },
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: ["User", "Department", "Day", "Month", "User per Day", "User per Month"],
			default: "User",
		},
	],
	onload(report) {
		crm_suite.reports.add_activity_rollup_rebuild(report);
	},
};
