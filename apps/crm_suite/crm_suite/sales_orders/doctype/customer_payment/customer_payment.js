// Payment received (回款, SPEC SALE-06): against an order, a contract or a plan instalment, or an advance.
frappe.ui.form.on("Customer Payment", {
	setup(frm) {
		frm.set_query("customer_order", () => ({ filters: { customer: frm.doc.customer, docstatus: 1 } }));
		frm.set_query("sales_contract", () => ({ filters: { customer: frm.doc.customer, docstatus: 1 } }));
		frm.set_query("payment_plan", () => ({ filters: { customer: frm.doc.customer } }));
	},
	refresh(frm) {
		if (frm.doc.docstatus === 0 && frm.doc.payment_plan) {
			frm.add_custom_button(__("Choose Instalment"), () => choose_instalment(frm));
		}
	},
	payment_plan(frm) {
		frm.set_value("plan_instalment", "");
		if (frm.doc.payment_plan) choose_instalment(frm);
	},
});

function choose_instalment(frm) {
	frappe.db.get_doc("Payment Plan", frm.doc.payment_plan).then((plan) => {
		const open = (plan.instalments || []).filter((row) => row.status !== "Paid");
		if (!open.length) return;
		frappe.prompt(
			{
				fieldname: "instalment",
				fieldtype: "Select",
				label: __("Instalment"),
				reqd: 1,
				options: open.map((row) => ({
					value: row.name,
					label: `${frappe.datetime.str_to_user(row.due_date)} · ${format_currency(row.amount - row.paid_amount, plan.currency)}`,
				})),
			},
			({ instalment }) => {
				const row = open.find((r) => r.name === instalment);
				frm.set_value("plan_instalment", instalment);
				if (!frm.doc.amount) frm.set_value("amount", row.amount - row.paid_amount);
			},
			__("Choose Instalment")
		);
	});
}
