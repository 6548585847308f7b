frappe.query_reports["Resource Warning"] = {
	filters: [
		{ fieldname: "sales_department", label: __("Sales Department"), fieldtype: "Link", options: "Sales Department" },
		{ fieldname: "min_never_contacted", label: __("Minimum Never Contacted"), fieldtype: "Int" },
	],
};
