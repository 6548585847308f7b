"""Win and loss against each competitor or partner (SPEC SALE-09): the opportunities a rival was named on,
how many were won, lost or are still open, the win rate and the amounts — within the viewer's row scope."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_days, get_datetime, getdate

from crm_suite.permissions.rows import where_in_scope
from crm_suite.permissions.sales import opportunity_scope_criterion


def execute(filters=None):
	filters = frappe._dict(filters or {})
	columns = [
		{"fieldname": "rival", "label": _("Rival"), "fieldtype": "Link", "options": "Rival Company", "width": 200},
		{"fieldname": "relation", "label": _("Relation"), "fieldtype": "Data", "width": 100},
		{"fieldname": "opportunities", "label": _("Opportunities"), "fieldtype": "Int", "width": 110},
		{"fieldname": "won", "label": _("Won"), "fieldtype": "Int", "width": 80},
		{"fieldname": "lost", "label": _("Lost"), "fieldtype": "Int", "width": 80},
		{"fieldname": "open", "label": _("Open"), "fieldtype": "Int", "width": 80},
		{"fieldname": "win_rate", "label": _("Win Rate"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "won_amount", "label": _("Won Amount"), "fieldtype": "Currency", "width": 140},
		{"fieldname": "lost_amount", "label": _("Lost Amount"), "fieldtype": "Currency", "width": 140},
	]  # fmt: skip
	o, r, rc = (frappe.qb.DocType(d) for d in ("Sales Opportunity", "Opportunity Rival", "Rival Company"))

	def when(status, value=1):
		return Sum(Case().when(o.status.isin(status), value).else_(0))

	query = (
		frappe.qb.from_(r)
		.join(o)
		.on((o.name == r.parent) & (r.parenttype == "Sales Opportunity"))
		.left_join(rc)
		.on(rc.name == r.rival)
		.select(
			r.rival,
			rc.relation,
			Count(o.name).distinct().as_("opportunities"),
			when(["Won"]).as_("won"),
			when(["Lost", "Invalid"]).as_("lost"),
			when(["Open"]).as_("open"),
			when(["Won"], o.expected_amount).as_("won_amount"),
			when(["Lost", "Invalid"], o.expected_amount).as_("lost_amount"),
		)
		.groupby(r.rival, rc.relation)
		.orderby(Count(o.name).distinct(), order=frappe.qb.desc)
	)
	query = where_in_scope(query, opportunity_scope_criterion(table=o))
	if filters.relation:
		query = query.where(rc.relation == filters.relation)
	if filters.from_date:
		query = query.where(o.creation >= get_datetime(getdate(filters.from_date)))
	if filters.to_date:
		query = query.where(o.creation < get_datetime(add_days(getdate(filters.to_date), 1)))
	data = query.run(as_dict=True)
	for row in data:
		row.won, row.lost, row.open = int(row.won or 0), int(row.lost or 0), int(row.open or 0)
		row.relation = _(row.relation) if row.relation else None
		row.win_rate = round(100.0 * row.won / (row.won + row.lost), 1) if row.won + row.lost else 0.0
	chart = {
		"data": {
			"labels": [row.rival for row in data[:15]],
			"datasets": [
				{"name": _("Won"), "values": [row.won for row in data[:15]]},
				{"name": _("Lost"), "values": [row.lost for row in data[:15]]},
			],
		},
		"type": "bar",
		"colors": ["#29CD42", "#E24C4C"],
	}
	return columns, data, None, chart
