// Customer import batches (SPEC CUS-07): start or re-run an import and follow its progress.
frappe.ui.form.on("Customer Import Batch", {
	refresh(frm) {
		if (!frm.is_new() && ["Pending", "Failed"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Start Import"), () => {
				frappe
					.call({
						method: "crm_suite.api.customers.start_customer_import",
						args: { batch: frm.doc.name },
						freeze: true,
					})
					.then(() => frm.reload_doc());
			}).addClass("btn-primary");
		}
		if (frm.doc.error_report) {
			frm.add_custom_button(__("Download Error Report"), () => window.open(frm.doc.error_report));
		}
		if (!frm.__import_listener) {
			frm.__import_listener = (data) => {
				if (data.batch === frm.doc.name) frm.reload_doc();
			};
			frappe.realtime.on("customer_import_done", frm.__import_listener);
		}
	},
});
