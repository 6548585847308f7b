frappe.ui.form.on("Visit Plan", {
	refresh(frm) {
		if (frm.is_new() || !["Planned", "Overdue"].includes(frm.doc.status)) return;
		frm.add_custom_button(__("Log Follow-up"), () => {
			frappe.new_doc("Follow Up Record", {
				visit_plan: frm.doc.name,
				customer: frm.doc.customer,
				contact: frm.doc.contact,
				method: frm.doc.method,
			});
		});
		frm.add_custom_button(__("Cancel Plan"), () => {
			frm.set_value("status", "Cancelled").then(() => frm.save());
		});
	},
});
