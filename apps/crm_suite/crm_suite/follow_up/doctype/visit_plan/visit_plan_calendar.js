frappe.views.calendar["Visit Plan"] = {
	field_map: {
		start: "planned_start",
		end: "planned_end",
		id: "name",
		title: "subject",
		status: "status",
	},
	style_map: {
		Planned: "info",
		Done: "success",
		Overdue: "danger",
		Cancelled: "default",
	},
	filters: [
		{ fieldname: "salesperson", fieldtype: "Link", options: "User", label: __("Salesperson") },
		{ fieldname: "sales_department", fieldtype: "Link", options: "Sales Department", label: __("Sales Department") },
	],
	get_events_method: "crm_suite.api.follow_up.visit_plan_events",
};
