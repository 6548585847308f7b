// Copyright (c) 2026, crm_suite contributors
frappe.ui.form.on("Phone Call Record", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Show Screen Pop"), () =>
			frappe
				.call("crm_suite.api.call_center.screen_pop", { call: frm.doc.name })
				.then((r) => crm_suite.show_call_pop(r.message))
		);
		if (frm.doc.call_type === "Missed" && !frm.doc.seen) {
			frm.add_custom_button(__("Mark Seen"), () =>
				frappe
					.call("crm_suite.api.call_center.mark_seen", { calls: [frm.doc.name] })
					.then(() => frm.reload_doc())
			);
		}
	},
});
