// Opportunities list: status colours; the Kanban view (by stage) is Frappe's own board.
frappe.listview_settings["Sales Opportunity"] = {
	add_fields: ["status", "stage"],
	get_indicator(doc) {
		const colour = { Open: "blue", Won: "green", Lost: "red", Invalid: "gray" }[doc.status] || "blue";
		return [__(doc.stage || doc.status), colour, `stage,=,${doc.stage}`];
	},
};
