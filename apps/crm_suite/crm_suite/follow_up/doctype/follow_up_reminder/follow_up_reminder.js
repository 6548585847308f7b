// Snooze and done (SPEC FUP-04): only the reminded user sees the buttons; the server checks it again.
frappe.ui.form.on("Follow Up Reminder", {
	refresh(frm) {
		if (frm.doc.user !== frappe.session.user || frm.doc.status === "Done") return;
		frm.add_custom_button(__("Mark Done"), () =>
			frappe
				.call("crm_suite.api.reminders.mark_done", { name: frm.doc.name })
				.then(() => frappe.show_alert(__("Reminder done.")) || frm.reload_doc())
		);
		frm.add_custom_button(__("Snooze"), () =>
			frappe.prompt(
				{
					fieldname: "until",
					fieldtype: "Date",
					label: __("Snooze until"),
					reqd: 1,
					default: frappe.datetime.add_days(frappe.datetime.get_today(), 1),
				},
				(values) =>
					frappe
						.call("crm_suite.api.reminders.snooze", { name: frm.doc.name, until: values.until })
						.then(() => frappe.show_alert(__("Reminder snoozed.")) || frm.reload_doc()),
				__("Snooze")
			)
		);
	},
});
