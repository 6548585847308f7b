// Report page glue (RPT-02, RPT-07, RPT-08): the admins' button that rebuilds the rollup a report reads (after a
// restore or a data repair). The rebuild runs in the background; the endpoint refuses everyone but CRM Admins.
frappe.provide("crm_suite.reports");

crm_suite.reports.add_rollup_rebuild = function (report, label, question, method) {
	if (!(frappe.user.has_role("CRM Admin") || frappe.user.has_role("System Manager"))) return;
	report.page.add_inner_button(label, () => {
		frappe.confirm(question, () =>
			frappe
				.xcall(method)
				.then(() => frappe.show_alert({ message: __("Rebuild queued"), indicator: "blue" }))
		);
	});
};

// the follow-up and call rollups are rebuilt together, from Follow Up Statistics or Call Statistics
crm_suite.reports.add_activity_rollup_rebuild = function (report) {
	crm_suite.reports.add_rollup_rebuild(
		report,
		__("Rebuild Follow-up and Call Rollups"),
		__("Recompute the follow-up and call figures from the follow-ups and call logs?"),
		"crm_suite.api.reports.rebuild_activity_rollups"
	);
};
