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

// The customer's receivable balance on the 360° view (SPEC CUS-05, SALE-06): one primary-key read.
frappe.ui.form.on("Customer Account", {
	refresh(frm) {
		if (frm.is_new() || !frappe.model.can_read("Receivable Balance")) return;
		frappe
			.call({ method: "crm_suite.api.sales_money.customer_receivable", type: "GET", args: { customer: frm.doc.name } })
			.then(({ message }) => {
				if (!message || (!message.receivable && !message.collected)) return;
				const color = message.balance > 0 ? "orange" : "green";
				frm.dashboard.add_indicator(__("Receivable Balance: {0}", [format_currency(message.balance)]), color);
				frm.dashboard.add_indicator(__("Collected: {0}", [format_currency(message.collected - message.refunded)]), "blue");
			});
	},
});

// Loyalty points balance (SPEC SALE-08), shown on the customer form when points are switched on.
frappe.ui.form.on("Customer Account", {
	refresh(frm) {
		if (frm.is_new()) return;
		frappe.call({
			method: "crm_suite.api.loyalty.points_balance",
			args: { customer: frm.doc.name },
			callback: ({ message }) => {
				if (!message || !message.enabled) return;
				frm.dashboard.add_indicator(
					__("Points Balance: {0}", [message.points]),
					message.points > 0 ? "green" : "gray"
				);
			},
		});
	},
});
