// Missed calls stay flagged until someone marks them seen (SPEC CALL-03).
frappe.listview_settings["Phone Call Record"] = {
	add_fields: ["call_type", "status", "seen"],
	get_indicator(doc) {
		if (doc.call_type === "Missed") {
			return doc.seen ? [__("Missed"), "gray", "call_type,=,Missed"] : [__("Missed"), "red", "seen,=,0"];
		}
		if (doc.call_type === "Outbound") return [__("Outbound"), "blue", "call_type,=,Outbound"];
		return [__("Inbound"), "green", "call_type,=,Inbound"];
	},
	onload(listview) {
		listview.page.add_actions_menu_item(__("Mark Seen"), () => {
			const calls = listview.get_checked_items(true);
			frappe
				.call("crm_suite.api.call_center.mark_seen", { calls: calls })
				.then(() => listview.refresh());
		});
	},
};
