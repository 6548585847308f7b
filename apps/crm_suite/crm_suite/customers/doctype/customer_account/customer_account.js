// Customer Account form (SPEC CUS-01, CUS-05, CUS-08, ORG-06).
const CRM_PHONE_FIELDS = ["mobile_no", "phone", "fax"];

frappe.ui.form.on("Customer Account", {
	refresh(frm) {
		// Users who may read the full numbers (permission level 1) edit those; everyone else sees and
		// edits the masked copies.
		const full = Boolean(frm.perm[1] && frm.perm[1].read);
		CRM_PHONE_FIELDS.forEach((fieldname) => {
			frm.toggle_display(`${fieldname}_masked`, !full);
		});

		// Contacts live on Frappe's Contact, linked through Dynamic Link (as frappe/crm does).
		frappe.dynamic_link = { doc: frm.doc, fieldname: "name", doctype: "Customer Account" };
		frm.toggle_display("contacts_section", !frm.is_new());
		if (!frm.is_new()) {
			frappe.contacts.render_address_and_contact(frm);
		} else {
			frappe.contacts.clear_address_and_contact(frm);
		}
		crm_suite.pool.setup_form(frm);
		if (!frm.is_new() && frappe.model.can_create("Sales Opportunity")) {
			frm.add_custom_button(__("Opportunity"), () => crm_suite.sales.new_opportunity({ customer: frm.doc.name }), __("Create"));
		}
	},
});

// The dashboard's figures (SPEC CUS-05, SALE-06, SALE-08) come with the form (its onload, `form_figures`): the
// receivable balance for readers of Receivable Balance, the points balance while points are switched on.
frappe.ui.form.on("Customer Account", {
	refresh(frm) {
		const figures = (!frm.is_new() && frm.doc.__onload && frm.doc.__onload.crm_figures) || {};
		if (figures.receivable) {
			const { balance, collected } = figures.receivable;
			frm.dashboard.add_indicator(__("Receivable Balance: {0}", [format_currency(balance)]), balance > 0 ? "orange" : "green");
			frm.dashboard.add_indicator(__("Collected: {0}", [format_currency(collected)]), "blue");
		}
		if (figures.points !== undefined) {
			frm.dashboard.add_indicator(__("Points Balance: {0}", [figures.points]), figures.points > 0 ? "green" : "gray");
		}
	},
});
