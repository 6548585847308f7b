frappe.query_reports["Rival Win Loss"] = {
	filters: [
		{ fieldname: "relation", label: __("Relation"), fieldtype: "Select", options: ["", "Competitor", "Partner"] },
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
	],
};
