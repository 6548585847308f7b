// Expense ranking (SPEC SALE-11).
frappe.query_reports["Sales Expense Ranking"] = {
	filters: [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", default: frappe.datetime.add_months(frappe.datetime.get_today(), -1) },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today() },
		{ fieldname: "group_by", label: __("Rank By"), fieldtype: "Select", options: ["Salesperson", "Customer", "Expense Type"], default: "Salesperson" },
		{ fieldname: "expense_type", label: __("Expense Type"), fieldtype: "Link", options: "Sales Expense Type" },
		{ fieldname: "include_pending", label: __("Include Pending"), fieldtype: "Check" },
	],
};
