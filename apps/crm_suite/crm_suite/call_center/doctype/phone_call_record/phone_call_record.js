// Copyright (c) 2026, crm_suite contributors
frappe.ui.form.on("Phone Call Record", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Show Screen Pop"), () =>
			frappe
				.call("crm_suite.api.call_center.screen_pop", { call: frm.doc.name })
				.then((r) => crm_suite.show_call_pop(r.message))
		);
		if (frm.doc.number_type && !["Unknown", "Withheld"].includes(frm.doc.number_type)) {
			frm.add_custom_button(__("Call Back"), () =>
				frappe
					.call({
						method: "crm_suite.api.call_center.call_back",
						args: { call: frm.doc.name },
						freeze: true,
					})
					.then((r) =>
						frappe.show_alert({
							message: __("Dialling on line {0}", [frappe.utils.escape_html(r.message.line)]),
							indicator: "blue",
						})
					)
			);
		}
		if (frm.doc.call_type === "Missed" && !frm.doc.seen) {
			frm.add_custom_button(__("Mark Seen"), () =>
				frappe
					.call("crm_suite.api.call_center.mark_seen", { calls: [frm.doc.name] })
					.then(() => frm.reload_doc())
			);
		}
	},
});
