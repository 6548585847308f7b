// Sales pipeline in the Desk (SPEC SALE-01, SALE-02): new opportunities from a customer or a follow-up, and
// the Move Stage dialog, which asks for what the target stage requires before the server checks it again.
frappe.provide("crm_suite.sales");

crm_suite.sales.new_opportunity = function (args) {
	frappe.call({
		method: "crm_suite.api.sales.opportunity_values",
		args,
		callback: (r) => {
			if (!r.message) return;
			const values = Object.assign({}, r.message);
			delete values.doctype;
			frappe.new_doc("Sales Opportunity", values);
		},
	});
};

crm_suite.sales.move_stage_dialog = function (frm, preset_stage) {
	frappe.call({
		method: "crm_suite.api.sales.stage_choices",
		args: { opportunity: frm.doc.name },
		callback: (r) => {
			const info = r.message;
			const by_stage = {};
			info.stages.forEach((s) => (by_stage[s.stage] = s));
			const choices = info.stages.map((s) => s.stage).filter((s) => s !== info.stage);
			const meta_fields = {};
			frappe.get_meta("Sales Opportunity").fields.forEach((df) => (meta_fields[df.fieldname] = df));
			const extra = [];
			info.stages.forEach((s) =>
				s.required_fields.forEach((f) => {
					if (!extra.includes(f) && meta_fields[f]) extra.push(f);
				})
			);
			const fields = [
				{ fieldname: "to_stage", fieldtype: "Select", label: __("Move to Stage"), options: choices, reqd: 1, default: preset_stage || choices[0] },
				{ fieldname: "feedback", fieldtype: "Small Text", label: __("Feedback") },
				{ fieldname: "loss_reason", fieldtype: "Link", options: "Deal Loss Reason", label: __("Loss Reason"),
					depends_on: `eval:${JSON.stringify(info.stages.filter((s) => ["Lost", "Invalid"].includes(s.end_kind)).map((s) => s.stage))}.includes(doc.to_stage)` },
			].concat(
				extra.map((f) => {
					const df = meta_fields[f];
					return { fieldname: f, fieldtype: df.fieldtype === "Text" ? "Small Text" : df.fieldtype, label: __(df.label), options: df.options === "currency" ? undefined : df.options, default: frm.doc[f] };
				})
			);
			const dialog = new frappe.ui.Dialog({
				title: __("Move Stage"),
				fields,
				primary_action_label: __("Move"),
				primary_action(values) {
					const update = {};
					extra.forEach((f) => {
						if (values[f] !== undefined && values[f] !== frm.doc[f]) update[f] = values[f];
					});
					frappe.call({
						method: "crm_suite.api.sales.move_stage",
						args: {
							opportunity: frm.doc.name,
							to_stage: values.to_stage,
							feedback: values.feedback,
							loss_reason: values.loss_reason,
							expected_stage: frm.doc.stage,
							values: update,
						},
						freeze: true,
						callback: () => {
							dialog.hide();
							frm.reload_doc();
						},
					});
				},
			});
			dialog.show();
		},
	});
};

// Quotation and order lines (SPEC SALE-04): a product fills in its name, model, unit, list price and default
// tax rate (the server does the same for lines sent without them).
crm_suite.sales.fill_line_from_product = function (cdt, cdn) {
	const row = locals[cdt][cdn];
	if (!row.product) return;
	frappe.db
		.get_value("Sales Product", row.product, ["product_name", "model", "unit", "list_price", "default_tax_rate"])
		.then(({ message }) => {
			if (!message) return;
			frappe.model.set_value(cdt, cdn, {
				product_name: message.product_name,
				model: message.model,
				unit: row.unit || message.unit,
				price: message.list_price,
				tax_rate: message.default_tax_rate,
			});
		});
};
