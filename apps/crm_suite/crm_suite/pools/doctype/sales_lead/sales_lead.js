frappe.ui.form.on("Sales Lead", {
	refresh(frm) {
		crm_suite.pool.setup_form(frm);
	},
});
