// Marketing campaign (SPEC MKT-01): the Results section is counted live on the server from the leads,
// customers, opportunities, orders and expenses carrying the campaign; tasks are assignments (ToDo).
frappe.ui.form.on("Sales Campaign", {
	refresh(frm) {
		frm.get_field("results_html").$wrapper.empty();
		if (frm.is_new()) return;
		frm.add_custom_button(__("Add Task"), () => {
			new frappe.ui.form.AssignToDialog({
				obj: frm,
				method: "frappe.desk.form.assign_to.add",
				doctype: frm.doctype,
				docname: frm.docname,
				callback: () => frm.reload_doc(),
			}).dialog.show();
		});
		frm.add_custom_button(__("Campaign Results"), () =>
			frappe.set_route("query-report", "Campaign Results", { campaign_owner: frm.doc.campaign_owner })
		);
		frappe
			.call({
				method: "crm_suite.api.marketing.campaign_results",
				args: { campaign: frm.doc.name },
				type: "GET",
			})
			.then((r) => r.message && render_results(frm, r.message));
	},
});

function render_results(frm, summary) {
	const esc = frappe.utils.escape_html;
	const money = (v) => format_currency(v || 0, summary.currency);
	const r = summary.results;
	const figures = [
		[__("Target Customers"), r.target_customers],
		[__("Leads"), `${r.leads} (${__("Converted")}: ${r.converted_leads})`],
		[__("Customers"), `${r.customers} (${__("Deal")}: ${r.deal_customers})`],
		[__("Opportunities"), `${r.opportunities} (${__("Won")}: ${r.won_opportunities})`],
		[__("Won Amount"), money(r.won_amount)],
		[__("Orders"), `${r.orders} / ${money(r.order_amount)}`],
		[__("Budget"), money(summary.budget.budget)],
		[__("Spent"), money(summary.budget.spent)],
		[__("Remaining"), money(summary.budget.remaining)],
		[__("Return on Spend"), summary.budget.return_ratio ?? "-"],
	];
	const cells = figures
		.map(([label, value]) => `<tr><th>${esc(label)}</th><td>${esc(String(value ?? 0))}</td></tr>`)
		.join("");
	const goals = summary.goals
		.map(
			(g) =>
				`<tr><td>${esc(g.label)}</td><td>${esc(String(g.actual))} / ${esc(String(g.target))}</td>` +
				`<td><span class="indicator-pill ${g.reached ? "green" : "orange"}">${
					g.percent === null ? "-" : esc(String(g.percent)) + "%"
				}</span></td></tr>`
		)
		.join("");
	const tasks = summary.tasks
		.map(
			(t) =>
				`<tr><td>${esc(t.allocated_to_name || t.allocated_to)}</td><td>${esc(t.description || "")}</td>` +
				`<td>${esc(t.date || "")}</td><td>${esc(__(t.status))}</td></tr>`
		)
		.join("");
	frm.get_field("results_html").$wrapper.html(`
		<div class="crm-campaign-results">
			<table class="table table-condensed">${cells}</table>
			<h6>${esc(__("Goals"))}</h6>
			<table class="table table-condensed">${goals || `<tr><td class="text-muted">${esc(__("None"))}</td></tr>`}</table>
			<h6>${esc(__("Tasks"))} (${esc(__("Open"))}: ${summary.open_tasks})</h6>
			<table class="table table-condensed">${tasks || `<tr><td class="text-muted">${esc(__("None"))}</td></tr>`}</table>
		</div>`);
}
