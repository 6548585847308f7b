// Sales Opportunity form (SPEC SALE-01, SALE-02): stage moves go through the Move Stage dialog.
frappe.ui.form.on("Sales Opportunity", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (frm.doc.status === "Open" || frappe.user.has_role("CRM Manager") || frappe.user.has_role("CRM Admin")) {
			frm.add_custom_button(__("Move Stage"), () => crm_suite.sales.move_stage_dialog(frm));
		}
		frm.set_df_property("stage", "read_only", 1);
	},
	customer(frm) {
		if (frm.doc.customer && !frm.doc.opportunity_title) {
			frappe.db.get_value("Customer Account", frm.doc.customer, "customer_name").then((r) => {
				if (r.message && !frm.doc.opportunity_title) frm.set_value("opportunity_title", r.message.customer_name);
			});
		}
	},
});
