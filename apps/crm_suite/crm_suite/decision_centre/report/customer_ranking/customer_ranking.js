// Copyright (c) 2026, crm_suite contributors
frappe.query_reports["Customer Ranking"] = {
	filters: [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", default: frappe.datetime.year_start(), reqd: 1 },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{ fieldname: "sales_department", label: __("Sales Department"), fieldtype: "Link", options: "Sales Department" },
		{ fieldname: "salesperson", label: __("Salesperson"), fieldtype: "Link", options: "User" },
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer Account" },
		{ fieldname: "rank_by", label: __("Rank By"), fieldtype: "Select", options: ["Revenue", "Profit", "Margin", "Expenses", "Points", "Follow-ups", "Orders"], default: "Revenue" },
		{ fieldname: "top", label: __("Top"), fieldtype: "Int", default: 100 },
	],
};
