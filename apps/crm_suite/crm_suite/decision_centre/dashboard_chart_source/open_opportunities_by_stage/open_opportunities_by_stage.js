frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Open Opportunities by Stage"] = {
	method: "crm_suite.api.sales.open_by_stage_chart",
	filters: [],
};
