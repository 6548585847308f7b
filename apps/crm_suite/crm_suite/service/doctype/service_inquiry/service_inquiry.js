// Service inquiry (SPEC SVC-01): answered from the knowledge base (SVC-04), converted to an opportunity in
// one action (idempotent on the server).
frappe.ui.form.on("Service Inquiry", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (frm.doc.opportunity) {
			frm.add_custom_button(__("Open Opportunity"), () =>
				frappe.set_route("Form", "Sales Opportunity", frm.doc.opportunity)
			);
		} else if (frm.doc.status !== "Closed") {
			frm.add_custom_button(__("Convert to Opportunity"), () =>
				frappe
					.call({
						method: "crm_suite.api.service.convert_inquiry",
						args: { inquiry: frm.doc.name },
						freeze: true,
					})
					.then((r) => {
						frm.reload_doc();
						frappe.show_alert({ message: __("Opportunity {0} created", [r.message.opportunity]), indicator: "green" });
					})
			);
		}
		frm.add_custom_button(__("Search Knowledge Base"), () => search_knowledge(frm));
	},
	knowledge_article(frm) {
		if (!frm.doc.knowledge_article || frm.doc.answer) return;
		frappe.db.get_value("Knowledge Article", frm.doc.knowledge_article, "content").then((r) => {
			if (r.message && r.message.content) frm.set_value("answer", r.message.content);
		});
	},
});

function search_knowledge(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Search Knowledge Base"),
		fields: [
			{ fieldname: "text", fieldtype: "Data", label: __("Search"), default: frm.doc.subject },
			{ fieldname: "results", fieldtype: "HTML" },
		],
	});
	const esc = frappe.utils.escape_html;
	const run = () =>
		frappe
			.call({ method: "crm_suite.api.service.search_knowledge", args: { text: dialog.get_value("text") }, type: "GET" })
			.then((r) => {
				const rows = (r.message || [])
					.map((a) => `<li><a href="#" data-name="${esc(a.name)}">${esc(a.title)}</a> <span class="text-muted">${esc(a.category || "")}</span></li>`)
					.join("");
				const wrapper = dialog.fields_dict.results.$wrapper;
				wrapper.html(`<ul>${rows || `<li class="text-muted">${esc(__("None"))}</li>`}</ul>`);
				wrapper.find("a").on("click", (e) => {
					e.preventDefault();
					frm.set_value("knowledge_article", $(e.currentTarget).data("name"));
					dialog.hide();
				});
			});
	dialog.fields_dict.text.$input.on("change", run);
	dialog.show();
	run();
}
