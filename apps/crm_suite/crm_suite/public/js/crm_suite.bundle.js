// crm_suite Desk glue, included on every Desk page (hooks.app_include_js).
import "./pool_actions";
import "./sales_actions";
import "./report_actions";

frappe.provide("crm_suite");

crm_suite.ECHO_EVENT = "crm_suite_echo";

// A realtime self-test an admin can run from the browser console: crm_suite.check_realtime()
crm_suite.check_realtime = function () {
	return new Promise((resolve) => {
		const handler = (data) => {
			frappe.realtime.off(crm_suite.ECHO_EVENT, handler);
			frappe.show_alert({ message: __("Realtime connection works"), indicator: "green" });
			resolve(data);
		};
		frappe.realtime.on(crm_suite.ECHO_EVENT, handler);
		frappe.call({ method: "crm_suite.api.system.realtime_echo", args: { message: "desk" } });
	});
};

// ---------------------------------------------------------------------------------------------------
// Call centre (SPEC CALL-02, CALL-04, CALL-06): screen pop on incoming calls, click-to-dial, SMS.
// The server sends each bound user their own pop (row scope and masking already applied).
crm_suite.CALL_EVENT = "crm_suite_call";
crm_suite.call_pops = {};

crm_suite.show_call_pop = function (pop) {
	if (!pop || !pop.call) return;
	const esc = frappe.utils.escape_html;
	const existing = crm_suite.call_pops[pop.call];
	if (existing) existing.hide();

	const rows = [];
	const row = (label, value) =>
		value ? rows.push(`<tr><th>${esc(label)}</th><td>${esc(String(value))}</td></tr>`) : null;
	row(__("Number"), pop.number);
	row(__("Caller Name"), pop.caller_name);
	row(__("Number Region"), [pop.number_region, pop.number_carrier].filter(Boolean).join(" "));
	row(__("Phone Line"), pop.line);
	if (pop.match_type === "Suffix") row(__("Match"), __("Matched without area code, please check"));

	let body = "";
	const customer = pop.customer;
	if (pop.state === "known" && customer) {
		row(__("Customer"), customer.customer_name);
		row(__("Salesperson"), customer.salesperson_name);
		row(__("Customer Category"), customer.customer_category);
		row(__("Lifecycle State"), customer.lifecycle_state && __(customer.lifecycle_state));
		row(__("Last Contact"), customer.last_contact_on);
		for (const key of ["follow_ups", "opportunities"]) {
			const section = customer[key];
			if (!section) continue;
			const items = section.rows
				.map((r) => `<li>${esc(r.title || r.name)} <span class="text-muted">${esc(r.modified || "")}</span></li>`)
				.join("");
			body += `<div class="crm-call-pop-${key}"><h6>${esc(__(section.doctype))}</h6><ul>${
				items || `<li class="text-muted">${esc(__("None"))}</li>`
			}</ul></div>`;
		}
	} else if (pop.state === "known" && pop.reference) {
		row(__(pop.reference.doctype), pop.reference.name);
	} else if (pop.state === "hidden") {
		body += `<p class="crm-call-pop-hidden text-muted">${esc(
			__("This number belongs to a customer you may not see.")
		)}</p>`;
	} else {
		body += `<p class="crm-call-pop-new">${esc(__("New caller: not in the CRM yet."))}</p>`;
	}

	// Dialog titles are set as HTML: every server-provided value is escaped, like the rows above
	const title =
		pop.state === "known" && customer
			? __("Incoming call: {0}", [esc(customer.customer_name)])
			: __("Incoming call: {0}", [pop.number ? esc(pop.number) : __("Unknown")]);
	const dialog = new frappe.ui.Dialog({
		title: title,
		fields: [{ fieldtype: "HTML", fieldname: "pop" }],
	});
	dialog.fields_dict.pop.$wrapper.html(
		`<div class="crm-call-pop" data-call="${esc(pop.call)}" data-state="${esc(pop.state)}">
			<table class="table table-condensed">${rows.join("")}</table>${body}</div>`
	);

	if (pop.state === "known" && customer) {
		dialog.set_primary_action(__("Open Customer"), () => {
			dialog.hide();
			frappe.set_route("Form", "Customer Account", customer.name);
		});
	} else if (pop.state === "new") {
		dialog.set_primary_action(__("Create Customer"), () => {
			dialog.hide();
			frappe.new_doc("Customer Account", pop.prefill || {});
		});
	}
	dialog.add_custom_action(__("Answered"), () => {
		frappe.call("crm_suite.api.call_center.mark_answered", { call: pop.call }).then(() => {
			frappe.show_alert({ message: __("Call marked answered"), indicator: "green" });
		});
	});
	// a question from the caller (SPEC SVC-01): the server takes the number and customer from the call log
	dialog.add_custom_action(__("New Inquiry"), () => {
		dialog.hide();
		frappe.new_doc("Service Inquiry", { phone_call_record: pop.call, channel: "Phone" });
	});
	dialog.add_custom_action(__("Log Follow-up"), () => {
		frappe.prompt(
			{ fieldname: "note", fieldtype: "Small Text", label: __("Notes"), reqd: 1 },
			(values) =>
				frappe
					.call("crm_suite.api.call_center.log_call_note", { call: pop.call, note: values.note })
					.then(() => frappe.show_alert({ message: __("Saved"), indicator: "green" })),
			__("Log Follow-up"),
			__("Save")
		);
	});
	dialog.$wrapper.addClass("crm-call-pop-dialog");
	dialog.show();
	crm_suite.call_pops[pop.call] = dialog;
	return dialog;
};

$(document).on("app_ready", function () {
	frappe.realtime.on(crm_suite.CALL_EVENT, (pop) => crm_suite.show_call_pop(pop));
});

crm_suite.dial_customer = function (customer, fieldname) {
	return frappe
		.call("crm_suite.api.call_center.dial_customer", { customer: customer, fieldname: fieldname })
		.then((r) => {
			frappe.show_alert({
				message: __("Dialling on line {0}", [frappe.utils.escape_html(r.message.line)]),
				indicator: "blue",
			});
			return r.message;
		});
};

crm_suite.send_sms_dialog = function (customers) {
	const dialog = new frappe.ui.Dialog({
		title: __("Send SMS"),
		fields: [
			{
				fieldname: "template",
				fieldtype: "Link",
				options: "SMS Template",
				label: __("SMS Template"),
				get_query: () => ({ filters: { enabled: 1 } }),
				onchange() {
					const template = dialog.get_value("template");
					if (template)
						frappe.db.get_value("SMS Template", template, "message").then((r) => {
							dialog.set_value("message", r.message.message);
						});
				},
			},
			{ fieldname: "message", fieldtype: "Small Text", label: __("Message"), reqd: 1 },
		],
		primary_action_label: __("Send"),
		primary_action(values) {
			frappe
				.call("crm_suite.api.call_center.send_sms", {
					customers: customers,
					template: values.template,
					message: values.template ? null : values.message,
				})
				.then((r) => {
					dialog.hide();
					frappe.msgprint(
						__("{0} queued, {1} opted out, {2} skipped", [
							r.message.queued,
							r.message.opted_out,
							r.message.skipped,
						])
					);
				});
		},
	});
	dialog.show();
	return dialog;
};

frappe.ui.form.on("Customer Account", {
	refresh(frm) {
		if (frm.is_new()) return;
		for (const fieldname of ["mobile_no", "phone"]) {
			if (frm.doc[fieldname]) {
				frm.add_custom_button(
					__(frappe.meta.get_label("Customer Account", fieldname)),
					() => crm_suite.dial_customer(frm.doc.name, fieldname),
					__("Call")
				);
			}
		}
		if (frm.doc.mobile_no) {
			frm.add_custom_button(__("Send SMS"), () => crm_suite.send_sms_dialog([frm.doc.name]), __("Call"));
		}
	},
});
