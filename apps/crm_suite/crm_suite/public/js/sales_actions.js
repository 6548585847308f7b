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

// What a move asks for, asked in a dialog (SPEC SALE-02): the feedback note, a loss reason, the fields the
// target and every passed stage require (with their current values), and a confirmation when the move ends the
// opportunity. Resolves with the move's input, or with null when nothing needs asking; rejects when the user
// cancels or the server refuses the move outright.
crm_suite.sales.ask_move = function (opportunity, to_stage, title) {
	return new Promise((resolve, reject) => {
		frappe
			.call({ method: "crm_suite.api.sales.move_requirements", args: { opportunity, to_stage } })
			.then((r) => {
				const needs = r.message;
				if (needs.refused) {
					frappe.msgprint({ title: __("Stage Move Not Allowed"), message: needs.refused, indicator: "red" });
					reject(new Error(needs.refused));
					return;
				}
				const missing = needs.fields.filter((f) => !f.filled);
				const ends = needs.end_kind && needs.end_kind !== "Open";
				if (!needs.feedback && !needs.loss_reason && !missing.length && !ends) {
					resolve(null);
					return;
				}
				const meta = {};
				frappe.get_meta("Sales Opportunity").fields.forEach((df) => (meta[df.fieldname] = df));
				const esc = frappe.utils.escape_html;
				const fields = [
					{
						fieldtype: "HTML",
						fieldname: "summary",
						options: `<p class="crm-move-summary">${__("Move {0} from {1} to {2}", [
							esc(title || opportunity),
							esc(needs.stage || ""),
							esc(needs.to_stage),
						])}</p>${
							ends
								? `<p class="text-warning crm-move-ends">${__(
										"This ends the opportunity as {0}; only a manager can reopen it.",
										[__(needs.end_kind)]
								  )}</p>`
								: ""
						}`,
					},
				];
				if (needs.loss_reason)
					fields.push({ fieldname: "loss_reason", fieldtype: "Link", options: "Deal Loss Reason", label: __("Loss Reason"), reqd: 1 });
				missing.forEach((f) => {
					const df = meta[f.fieldname];
					if (!df) return;
					fields.push({
						fieldname: f.fieldname,
						fieldtype: ["Text", "Text Editor", "Long Text"].includes(df.fieldtype) ? "Small Text" : df.fieldtype,
						label: __(df.label),
						options: df.fieldtype === "Currency" ? undefined : df.options,
						reqd: 1,
					});
				});
				fields.push({ fieldname: "feedback", fieldtype: "Small Text", label: __("Feedback"), reqd: needs.feedback ? 1 : 0 });
				let answered = false;
				const dialog = new frappe.ui.Dialog({
					title: __("Move Stage"),
					fields,
					primary_action_label: ends ? __("Confirm") : __("Move"),
					primary_action(values) {
						answered = true;
						dialog.hide();
						const update = {};
						missing.forEach((f) => {
							if (values[f.fieldname] !== undefined) update[f.fieldname] = values[f.fieldname];
						});
						resolve({ feedback: values.feedback, loss_reason: values.loss_reason, values: update });
					},
				});
				dialog.onhide = () => {
					if (!answered) reject(new Error("cancelled"));
				};
				dialog.$wrapper.addClass("crm-move-dialog");
				dialog.$wrapper.on("hidden.bs.modal", () => dialog.$wrapper.remove()); // one question, one dialog
				dialog.show();
			}, reject);
	});
};

// A drag on the opportunity Kanban board (Frappe's own board, routed to crm_suite.api.sales.kanban_move on the
// server) asks first what the move needs; cancelling puts the card back, as a refused move does.
crm_suite.sales.KANBAN_MOVE = "frappe.desk.doctype.kanban_board.kanban_board.update_order_for_single_card";
// Frappe's board also sends the place of every card after each load (`update_order`), and re-renders the whole board
// with the answer: on the opportunity board nothing moves that way (`crm_suite.api.sales.kanban_order` answers the
// board as stored), so the board skips that request and its second render (issue 19).
crm_suite.sales.KANBAN_ORDER = "frappe.desk.doctype.kanban_board.kanban_board.update_order";
crm_suite.sales.wrap_kanban_drag = function () {
	if (frappe.call.crm_suite_wrapped) return;
	const original = frappe.call;
	const wrapped = function (opts) {
		const route = frappe.get_route ? frappe.get_route() : [];
		if (opts && typeof opts === "object" && opts.method === crm_suite.sales.KANBAN_ORDER && route[1] === "Sales Opportunity") {
			return $.Deferred().promise(); // nothing to save: neither its callback nor its failure runs
		}
		if (
			opts &&
			typeof opts === "object" &&
			opts.method === crm_suite.sales.KANBAN_MOVE &&
			route[1] === "Sales Opportunity" &&
			opts.args &&
			opts.args.from_colname !== opts.args.to_colname
		) {
			const deferred = $.Deferred();
			// the board froze the page for its call: the dialog goes above, the freeze returns for the call
			frappe.dom.unfreeze();
			const card = (window.cur_list && cur_list.data || []).find((d) => d.name === opts.args.docname);
			crm_suite.sales
				.ask_move(opts.args.docname, opts.args.to_colname, card && (card.opportunity_title || card.name))
				.then(
					(answer) => {
						Object.assign(opts.args, answer ? { ...answer, values: JSON.stringify(answer.values || {}) } : {});
						frappe.dom.freeze();
						original.call(frappe, opts).then(deferred.resolve, deferred.reject);
					},
					(error) => deferred.reject(error)
				);
			return deferred.promise();
		}
		return original.apply(this, arguments);
	};
	wrapped.crm_suite_wrapped = true;
	frappe.call = wrapped;
};
$(document).on("app_ready", () => crm_suite.sales.wrap_kanban_drag());

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
