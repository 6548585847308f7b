frappe.query_reports["Follow Up Statistics"] = {
	filters: [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", default: frappe.datetime.month_start(), reqd: 1 },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{ fieldname: "sales_department", label: __("Sales Department"), fieldtype: "Link", options: "Sales Department" },
		{ fieldname: "salesperson", label: __("Salesperson"), fieldtype: "Link", options: "User" },
		{ fieldname: "group_by", label: __("Group By"), fieldtype: "Select", options: ["Salesperson", "Department", "Period", "Hour of Day", "Method"], default: "Salesperson" },
		{ fieldname: "trend", label: __("Period"), fieldtype: "Select", options: ["Day", "Week", "Month", "Year"], default: "Month", depends_on: "eval:doc.group_by == 'Period'" },
	],
	onload(report) {
		crm_suite.reports.add_activity_rollup_rebuild(report);
	},
};
