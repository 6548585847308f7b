frappe.query_reports["Recycle Preview"] = {
	filters: [
		{
			fieldname: "on_date",
			label: __("On Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), 3),
			reqd: 1,
		},
		{ fieldname: "customer_pool", label: __("Pool"), fieldtype: "Link", options: "Customer Pool" },
		{
			fieldname: "records",
			label: __("Records"),
			fieldtype: "Select",
			options: ["Customer Account", "Sales Lead"],
			default: "Customer Account",
		},
	],
	onload(report) {
		// Run the daily recycling now, e.g. after changing the rules (SPEC POOL-05); admins only.
		if (!frappe.user.has_role(["CRM Admin", "System Manager"])) return;
		report.page.add_inner_button(__("Recycle Now"), () => {
			frappe.confirm(
				__(
					"Recycle every overdue customer and lead now, as the daily job does? Their owners are notified."
				),
				() =>
					frappe
						.xcall("crm_suite.api.pool.recycle_now")
						.then((message) => frappe.show_alert({ message, indicator: "blue" }))
			);
		});
	},
};
