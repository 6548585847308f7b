// Copyright (c) 2026, crm_suite contributors
frappe.query_reports["Receivables Ageing"] = {
	filters: [
		{ fieldname: "to_date", label: __("As Of"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{ fieldname: "sales_department", label: __("Sales Department"), fieldtype: "Link", options: "Sales Department" },
		{ fieldname: "salesperson", label: __("Salesperson"), fieldtype: "Link", options: "User" },
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer Account" },
		{ fieldname: "group_by", label: __("Group By"), fieldtype: "Select", options: ["Customer", "Salesperson", "Department"], default: "Customer" },
	],
};
