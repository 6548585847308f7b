frappe.ui.form.on("Follow Up Record", {
	refresh(frm) {
		if (!frm.is_new() && frm.doc.customer && frappe.model.can_create("Sales Opportunity")) {
			frm.add_custom_button(__("Opportunity"), () => crm_suite.sales.new_opportunity({ follow_up: frm.doc.name }), __("Create"));
		}
	},
	template(frm) {
		if (!frm.doc.template) return;
		frappe.db.get_doc("Follow Up Template", frm.doc.template).then((t) => {
			if (t.method && !frm.doc.method) frm.set_value("method", t.method);
			if (t.content && !frm.doc.content) frm.set_value("content", t.content);
			if (t.next_step && !frm.doc.next_step) frm.set_value("next_step", t.next_step);
			if (t.next_contact_days && !frm.doc.next_contact_on)
				frm.set_value("next_contact_on", frappe.datetime.add_days(frappe.datetime.get_today(), t.next_contact_days));
		});
	},
});
