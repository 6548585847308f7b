// Knowledge base import from Excel (SPEC SVC-04) for managers and admins: all rows or none.
frappe.listview_settings["Knowledge Article"] = {
	onload(listview) {
		if (!frappe.user.has_role(["CRM Manager", "CRM Admin", "System Manager"])) return;
		listview.page.add_inner_button(__("Import from Excel"), () => {
			new frappe.ui.FileUploader({
				restrictions: { allowed_file_types: [".xlsx"] },
				make_attachments_public: false,
				on_success(file) {
					frappe
						.call({
							method: "crm_suite.api.service.import_knowledge",
							args: { file_url: file.file_url },
							freeze: true,
						})
						.then((r) => {
							const out = r.message || {};
							if (out.errors && out.errors.length) {
								const lines = out.errors.map((e) => __("Row {0}: {1}", [e.row, frappe.utils.escape_html(e.message)]));
								frappe.msgprint({ title: __("Nothing Imported"), message: lines.join("<br>"), indicator: "red" });
							} else {
								frappe.show_alert({ message: __("{0} articles imported", [out.imported.length]), indicator: "green" });
								listview.refresh();
							}
						});
				},
			});
		});
	},
};
