"""Indexes on one column that Frappe's schema sync keeps.

When a table's columns change — an admin adds a Custom Field with Customize Form, a doctype gains a field on
migrate — Frappe's `DbTable.alter` drops every *one-column* index on a column that is not `search_index` in the
doctype (it looks them up with `get_column_index`, which leaves indexes of two or more columns alone). An index
made by `frappe.db.add_index(doctype, [column])` therefore vanished the first time a CRM Admin added a field to
Customer Account, and with it the pinyin search, the reminder engine's ranges and the reports' period ranges.

`add_lasting_index` makes the same index as `(column, name)` under the same name. InnoDB stores the primary key
in every secondary index anyway, so the index holds the same entries and serves the same ranges and orders; but
Frappe sees two columns and keeps it. An existing one-column index of that name is rebuilt in one ALTER."""

import frappe


def index_columns(table: str, index_name: str) -> list[str]:
	return [
		row[0]
		for row in frappe.db.sql(
			"""select column_name from information_schema.statistics
			where table_schema = database() and table_name = %s and index_name = %s order by seq_in_index""",
			(table, index_name),
		)
	]


def add_lasting_index(doctype: str, column: str, index_name: str | None = None) -> None:
	"""The index `index_name` (default `<column>_index`) on (column, name), made or rebuilt when it differs."""
	index_name = index_name or f"{column}_index"
	table = f"tab{doctype}"
	have = index_columns(table, index_name)
	if have == [column, "name"]:
		return
	parts = [f"drop index `{index_name}`"] if have else []
	parts.append(f"add index `{index_name}` (`{column}`, `name`)")
	frappe.db.commit()  # DDL commits implicitly; as frappe.db.add_index does
	frappe.db.sql_ddl(f"alter table `{table}` {', '.join(parts)}")


def drop_index(doctype: str, index_name: str) -> None:
	"""Drop the index `index_name` when the table has it (an index a wider one replaced)."""
	if frappe.db.has_index(f"tab{doctype}", index_name):
		frappe.db.commit()  # DDL commits implicitly
		frappe.db.sql_ddl(f"alter table `tab{doctype}` drop index `{index_name}`")
