// Pool operations shared by forms and lists (SPEC POOL-02..09): every action is a POST to api/pool.
frappe.provide("crm_suite.pool");

crm_suite.pool.call = (method, args, after) =>
	frappe.call({
		method: `crm_suite.api.pool.${method}`,
		args,
		freeze: true,
		callback: (r) => {
			frappe.show_alert({ message: __("Done"), indicator: "green" });
			after && after(r.message);
		},
	});

crm_suite.pool.ask = (title, fields, action) => {
	const dialog = new frappe.ui.Dialog({
		title,
		fields,
		primary_action_label: __("Confirm"),
		primary_action(values) {
			dialog.hide();
			action(values);
		},
	});
	dialog.show();
};

// `state`: the lifecycle state an action leaves its rows in (the list drops at once the rows it takes out of view).
crm_suite.pool.actions = (doctype) => [
	{ label: __("Claim"), state: "Following", run: (names, done) => crm_suite.pool.call("claim", { names, doctype }, done) },
	{
		label: __("Abandon"),
		state: "Pool",
		run: (names, done) =>
			crm_suite.pool.ask(__("Abandon"), [{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 }], (v) =>
				crm_suite.pool.call("abandon", { names, doctype, reason: v.reason }, done)
			),
	},
	{
		label: __("Assign"),
		run: (names, done) =>
			crm_suite.pool.ask(__("Assign"), [{ fieldname: "to_user", fieldtype: "Link", options: "User", label: __("Salesperson"), reqd: 1 }], (v) =>
				crm_suite.pool.call("assign", { names, doctype, to_user: v.to_user }, done)
			),
	},
	{ label: __("Take Back"), state: "Pool", run: (names, done) => crm_suite.pool.call("take_back", { names, doctype }, done) },
	{ label: __("Shelve"), state: "Shelved", run: (names, done) => crm_suite.pool.call("shelve", { names, doctype }, done) },
	{ label: __("Unshelve"), state: "Following", run: (names, done) => crm_suite.pool.call("shelve", { names, doctype, undo: 1 }, done) },
	{ label: __("Protect"), run: (names, done) => crm_suite.pool.call("protect", { names, doctype, on: 1 }, done) },
	{ label: __("Unprotect"), run: (names, done) => crm_suite.pool.call("protect", { names, doctype, on: 0 }, done) },
	{ label: __("Lock"), run: (names, done) => crm_suite.pool.call("lock", { names, doctype, on: 1 }, done) },
	{ label: __("Unlock"), run: (names, done) => crm_suite.pool.call("lock", { names, doctype, on: 0 }, done) },
];

crm_suite.pool.random_claim = (doctype, done) =>
	crm_suite.pool.ask(
		__("Random Claim"),
		[
			{ fieldname: "pool_name", fieldtype: "Link", options: "Customer Pool", label: __("Pool"), reqd: 1 },
			{ fieldname: "count", fieldtype: "Int", label: __("How Many"), default: 5, reqd: 1 },
		],
		(v) => crm_suite.pool.call("random_claim", { pool_name: v.pool_name, count: v.count, doctype }, done)
	);

// After an action the list shows what changed. Frappe's list drops a refresh with the same arguments as one
// made in the last 3 seconds (BaseList.no_change), so a claim right after the list loaded left the claimed
// row on screen: the throttle is cleared first.
crm_suite.pool.refresh_list = (listview) => {
	listview.last_args = null;
	return listview.refresh();
};

// Whether a row in lifecycle `state` still matches the list's filters on the lifecycle state.
crm_suite.pool.state_matches = (listview, state) =>
	listview.filter_area.get().every(([, fieldname, condition, value]) => {
		if (fieldname !== "lifecycle_state") return true;
		const values = Array.isArray(value) ? value : String(value).split(",").map((v) => v.trim());
		if (condition === "=") return state === value;
		if (condition === "!=") return state !== value;
		if (condition === "in") return values.includes(state);
		if (condition === "not in") return !values.includes(state);
		return true;
	});

// The rows an action took out of the list's view leave it as soon as the call succeeds (POOL-02: the claimed
// customer is gone from the pool at once); the list's refresh follows with the new page and count.
crm_suite.pool.drop_rows = (listview, names, state) => {
	if (!state || !names || !names.length || crm_suite.pool.state_matches(listview, state)) return;
	const gone = new Set(names);
	listview.data = (listview.data || []).filter((row) => !gone.has(row.name));
	listview.$result
		.find(".list-row-checkbox")
		.filter((_, check) => gone.has(cstr(unescape($(check).data().name))))
		.closest(".list-row-container")
		.remove();
	listview.on_row_checked();
};

crm_suite.pool.setup_list = (listview, doctype) => {
	crm_suite.pool.actions(doctype).forEach((action) =>
		listview.page.add_actions_menu_item(action.label, () => {
			const names = listview.get_checked_items(true);
			action.run(names, (moved) => {
				crm_suite.pool.drop_rows(listview, Array.isArray(moved) ? moved : names, action.state);
				crm_suite.pool.refresh_list(listview);
			});
		})
	);
	listview.page.add_inner_button(__("Random Claim"), () =>
		crm_suite.pool.random_claim(doctype, () => crm_suite.pool.refresh_list(listview))
	);
};

crm_suite.pool.setup_form = (frm) => {
	if (frm.is_new()) return;
	const state = frm.doc.lifecycle_state;
	const group = __("Pool");
	const reload = () => frm.reload_doc();
	const actions = Object.fromEntries(crm_suite.pool.actions(frm.doctype).map((a) => [a.label, a]));
	const add = (label) => frm.add_custom_button(label, () => actions[label].run([frm.doc.name], reload), group);
	if (state === "Pool") {
		add(__("Claim"));
		if (frm.doctype === "Customer Account") {
			frm.add_custom_button(
				__("Apply to Claim"),
				() =>
					crm_suite.pool.ask(__("Apply to Claim"), [{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason") }], (v) =>
						crm_suite.pool.call("apply_to_claim", { customer: frm.doc.name, reason: v.reason }, reload)
					),
				group
			);
		}
		add(__("Assign"));
	}
	if (frm.doc.salesperson) {
		[__("Abandon"), __("Assign"), __("Take Back")].forEach(add);
		add(state === "Shelved" ? __("Unshelve") : __("Shelve"));
		add(frm.doc.protected_until ? __("Unprotect") : __("Protect"));
	}
	add(frm.doc.locked ? __("Unlock") : __("Lock"));
	if (frm.doctype === "Customer Account" && frm.doc.salesperson) {
		frm.add_custom_button(
			__("Transfer"),
			() =>
				crm_suite.pool.ask(
					__("Transfer"),
					[
						{ fieldname: "to_salesperson", fieldtype: "Link", options: "User", label: __("To Salesperson"), reqd: 1 },
						{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason") },
					],
					(v) => crm_suite.pool.call("request_transfer", { customer: frm.doc.name, ...v }, reload)
				),
			group
		);
		frm.add_custom_button(
			__("Apply for Invalid"),
			() =>
				crm_suite.pool.ask(__("Apply for Invalid"), [{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 }], (v) =>
					crm_suite.pool.call("apply_invalid", { customer: frm.doc.name, reason: v.reason }, reload)
				),
			group
		);
		frm.add_custom_button(
			__("Share"),
			() =>
				crm_suite.pool.ask(
					__("Share"),
					[
						{ fieldname: "users", fieldtype: "MultiSelectList", label: __("Colleagues"), reqd: 1, get_data: (txt) => frappe.db.get_link_options("User", txt) },
						{ fieldname: "write", fieldtype: "Check", label: __("Can Edit") },
					],
					(v) => crm_suite.pool.call("share", { customer: frm.doc.name, users: v.users, write: v.write }, reload)
				),
			group
		);
	}
	if (frm.doctype === "Customer Account") {
		frm.add_custom_button(__("Follow Up"), () => frappe.new_doc("Follow Up Record", { customer: frm.doc.name }));
	}
	if (frm.doctype === "Sales Lead" && ["Following", "Qualified"].includes(state) && frm.doc.salesperson) {
		frm.add_custom_button(__("Convert"), () =>
			crm_suite.pool.call("convert_lead", { lead: frm.doc.name }, (r) => frappe.set_route("Form", "Customer Account", r.customer))
		);
	}
};
