"""Frappe's schema sync drops every one-column index on a column that is not `search_index` whenever the table's
columns change — the first Custom Field a CRM Admin adds with Customize Form took the customers' pinyin search,
the reminder ranges and the reports' period ranges with it. One-column indexes are therefore made with
`services/indexes.add_lasting_index` ((column, name), which Frappe leaves alone); `frappe.db.add_index` is kept
for indexes of two or more columns, and for the standard columns Frappe never drops (creation, modified)."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "apps" / "crm_suite" / "crm_suite"
STANDARD = {
    "creation",
    "modified",
    "owner",
    "modified_by",
    "parent",
    "idx",
    "docstatus",
}


def one_column_add_index_calls(root: Path = APP):
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") == "add_index"
                and len(node.args) > 1
            ):
                fields = node.args[1]
                if isinstance(fields, ast.List | ast.Tuple) and len(fields.elts) == 1:
                    column = fields.elts[0]
                    name = (
                        column.value
                        if isinstance(column, ast.Constant)
                        else ast.unparse(column)
                    )
                    if name not in STANDARD:
                        yield f"{path.relative_to(root)}:{node.lineno} {ast.unparse(node)}"


def test_one_column_indexes_survive_schema_sync():
    assert list(one_column_add_index_calls()) == []


def test_the_lint_finds_a_one_column_add_index(tmp_path):
    (tmp_path / "a.py").write_text(
        'frappe.db.add_index("Customer Account", ["pending_mark"])\n'
        'frappe.db.add_index("Customer Account", ["salesperson", "modified"])\n'
        'frappe.db.add_index("Customer Account", ["creation"], "creation_index")\n'
    )
    found = list(one_column_add_index_calls(tmp_path))
    assert len(found) == 1 and "pending_mark" in found[0]
