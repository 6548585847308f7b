frappe.query_reports["Product Stock Summary"] = {
	filters: [
		{ fieldname: "product", label: __("Product"), fieldtype: "Link", options: "Sales Product" },
		{ fieldname: "category", label: __("Category"), fieldtype: "Link", options: "Sales Product Category" },
		{ fieldname: "warehouse", label: __("Warehouse"), fieldtype: "Link", options: "Product Warehouse" },
	],
};
