// Customer Account form (SPEC CUS-01, ORG-06).
const CRM_PHONE_FIELDS = ["mobile_no", "phone", "fax"];

frappe.ui.form.on("Customer Account", {
	refresh(frm) {
		// Users who may read the full numbers (permission level 1) edit those; everyone else sees and
		// edits the masked copies.
		const full = Boolean(frm.perm[1] && frm.perm[1].read);
		CRM_PHONE_FIELDS.forEach((fieldname) => {
			frm.toggle_display(`${fieldname}_masked`, !full);
		});
	},
});
