"""The permission matrix of issue 12 (SPEC ORG-02, ORG-03, ORG-06) over REST: every doctype of the app (read
from its doctype JSON, so a new doctype is covered the day it is added; plus core Contact, which the app
scopes) × salesperson, manager, CRM Admin (only), Caller ID Device, Website User, Guest × every read path
the Desk and integrators use: list, get, count, report view, group-by, link search, export, print and the
form's timeline (getdoc's docinfo) with the Version list.

Expectations come from metadata: the doctype's permissions table per role (read and export at permlevel
0; who reads permlevel 1; print follows read as in Frappe), whether hooks.py scopes its rows, and one
small scope table (a salesperson sees row "a", the manager of A and B sees "a" and "b", an admin sees
all). Asserted: the rows each path shows are exactly the expected ones (no row outside the scope, nothing
for a role without the right: 403 or empty), nothing answers 5xx, and the full phone numbers kept in
permlevel-1 fields never reach a role that may not read that level (CRM Suite Settings.mask_phone_numbers
is on)."""

import ast
import json
from pathlib import Path

import pytest
from conftest import SITE, WEB_URL, bench

APP = Path(__file__).resolve().parents[2] / "apps" / "crm_suite" / "crm_suite"
ROLES = ("salesperson", "manager", "crm_admin", "device", "website", "guest")
ROLE_NAME = {
	"salesperson": "CRM Salesperson",
	"manager": "CRM Manager",
	"crm_admin": "CRM Admin",
	"device": "Caller ID Device",
}
PATHS = ("list", "get", "count", "reportview", "group_by", "search", "export", "print", "timeline")
# The scope description: which of a scoped doctype's rows (A's, B's) each role sees.
SCOPE = {"salesperson": {"a"}, "manager": {"a", "b"}, "crm_admin": {"a", "b"}}

# Holes in masking that issue 12 items 4 and 5 fix (another change): flip these when that lands.
# cells known to leak, marked expected-to-fail until fixed (empty since issue 12 items 4/5 landed)
MASKING_XFAIL_ITEM_4_5: set[tuple[str, str, str]] = set()


def _doctypes() -> dict[str, dict]:
	found = {}
	for path in sorted(APP.glob("*/doctype/*/*.json")):
		doc = json.loads(path.read_text(encoding="utf-8"))
		if doc.get("doctype") == "DocType" and path.stem == path.parent.name:
			found[doc["name"]] = doc
	return found


def _scoped_doctypes() -> set[str]:
	tree = ast.parse((APP / "hooks.py").read_text(encoding="utf-8"))
	for node in tree.body:
		if (
			isinstance(node, ast.Assign)
			and getattr(node.targets[0], "id", "") == "permission_query_conditions"
		):
			return {k.value for k in node.value.keys}
	return set()


DOCTYPES = _doctypes()
LEVEL1_FIELDS = {
	name: [f["fieldname"] for f in doc.get("fields", []) if f.get("permlevel") == 1]
	for name, doc in DOCTYPES.items()
}
SCOPED = _scoped_doctypes()
MATRIX_DOCTYPES = sorted(name for name, doc in DOCTYPES.items() if not doc.get("istable")) + ["Contact"]


def rights(perms: list[dict], role: str | None) -> dict:
	"""A role's rights on a doctype: permlevel-0 flags and whether it reads permlevel 1."""
	mine = [p for p in perms if role and p.get("role") == role]
	level0 = [p for p in mine if not p.get("permlevel")]
	return {
		"read": any(p.get("read") for p in level0),
		"export": any(p.get("export") for p in level0),
		"print": any(p.get("print") for p in level0),
		"level1": any(p.get("read") for p in mine if p.get("permlevel") == 1),
	}


@pytest.fixture(scope="module")
def matrix(admin, team, role_clients):
	out = bench(
		"--site",
		SITE,
		"execute",
		"crm_suite.tests.e2e_matrix.make_rows",
		"--kwargs",
		json.dumps({"a": team["a"]["user"], "b": team["b"]["user"]}),
	).stdout
	made = json.loads(out.strip().splitlines()[-1])
	contact_perms = admin.rows(
		"Custom DocPerm", [["parent", "=", "Contact"]], ["role", "permlevel", "read", "export", "print"]
	)
	perms = {name: doc.get("permissions", []) for name, doc in DOCTYPES.items()}
	perms["Contact"] = contact_perms
	return {"rows": made["rows"], "phones": made["phones"], "perms": perms, "clients": role_clients}


def expected_rows(doctype: str, role: str, right: dict, path: str, rows: dict) -> set[str]:
	if not right["read"]:
		return set()
	if path == "export" and not right["export"]:
		return set()
	# print follows read, not the print right: Frappe 15's printview and download_pdf let a user print what
	# they may read (frappe.www.printview.validate_print_permission accepts read or print); the row scope
	# still holds, as the read check runs has_permission
	if doctype in SCOPED:
		return {rows[k] for k in SCOPE[role]}
	return set(rows.values())


def _ok(r) -> bool:
	assert r.status_code < 500, (r.request.url, r.status_code, r.text[:400])
	return r.status_code == 200


def seen_rows(client, doctype: str, path: str, rows: dict, texts: list[str]) -> set[str] | int:
	"""The rows `path` shows the client (for count and group-by: how many). Every response text is kept
	in `texts` for the masking check."""
	names = sorted(rows.values())
	filters = json.dumps([[doctype, "name", "in", names]])
	table = f"`tab{doctype}`"
	# name, and the permlevel-1 fields asked for by name (what a leak would need)
	fields = [f"{table}.`name`"] + [f"{table}.`{f}`" for f in LEVEL1_FIELDS.get(doctype, ())]

	def keep(r):
		texts.append(r.text)
		return _ok(r)

	if path == "list":
		r = client.resource(doctype, filters=filters, fields=json.dumps(["*"]), limit_page_length=0)
		return {row["name"] for row in r.json()["data"]} if keep(r) else set()
	if path == "get":
		return {n for n in names if keep(client.resource(doctype, n))}
	if path == "count":
		got = set()
		for n in names:
			r = client.call(
				"frappe.client.get_count", http="GET", doctype=doctype, filters=json.dumps({"name": n})
			)
			if keep(r) and r.json()["message"]:
				got.add(n)
		return got
	if path == "reportview":
		r = client.call(
			"frappe.desk.reportview.get",
			doctype=doctype,
			fields=json.dumps(fields),
			filters=filters,
			page_length=100,
		)
		if not keep(r):
			return set()
		msg = r.json().get("message") or {}
		return {v[0] for v in msg.get("values") or []}
	if path == "group_by":
		r = client.call(
			"frappe.desk.listview.get_group_by_count", doctype=doctype, current_filters=filters, field="owner"
		)
		return sum(row["count"] for row in r.json()["message"]) if keep(r) else 0
	if path == "search":
		r = client.call(
			"frappe.desk.search.search_link",
			doctype=doctype,
			txt="",
			filters=json.dumps({"name": ["in", names]}),
			page_length=100,
		)
		return {row["value"] for row in r.json()["message"]} & set(names) if keep(r) else set()
	if path == "export":
		r = client.http.post(
			f"{WEB_URL}/api/method/frappe.desk.reportview.export_query",
			data={
				"doctype": doctype,
				"file_format_type": "CSV",
				"fields": json.dumps(fields),
				"filters": filters,
				"title": doctype,
			},
			timeout=60,
		)
		return {n for n in names if n in r.text} if keep(r) else set()
	if path == "print":
		got = set()
		for n in names:
			r = client.http.get(
				f"{WEB_URL}/api/method/frappe.www.printview.get_html_and_style",
				params={"doc": doctype, "name": n, "print_format": "Standard"},
				timeout=60,
			)
			if keep(r) and n in (r.json().get("message") or {}).get("html", ""):
				got.add(n)
		return got
	if path == "timeline":
		got = set()
		for n in names:
			r = client.call("frappe.desk.form.load.getdoc", http="GET", doctype=doctype, name=n)
			if keep(r) and r.json().get("docs"):
				got.add(n)
		versions = client.resource(
			"Version",
			filters=json.dumps([["ref_doctype", "=", doctype], ["docname", "in", names]]),
			fields=json.dumps(["name", "data"]),
			limit_page_length=0,
		)
		if keep(versions):
			assert versions.json()["data"] == [], (
				"Version is the System Manager's: none of these roles reads it"
			)
		return got
	raise AssertionError(path)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("doctype", MATRIX_DOCTYPES)
def test_permission_matrix(matrix, doctype, role):
	rows = matrix["rows"][doctype]
	client = matrix["clients"][role]["client"]
	right = rights(matrix["perms"][doctype], ROLE_NAME.get(role))
	is_single = bool(DOCTYPES.get(doctype, {}).get("issingle"))
	wrong, leaks = [], []
	for path in ("get",) if is_single else PATHS:
		texts: list[str] = []
		got = seen_rows(client, doctype, path, rows, texts)
		want = expected_rows(doctype, role, right, path, rows)
		if path in ("group_by",):
			want = len(want)
		if got != want:
			wrong.append(
				(
					path,
					sorted(got) if isinstance(got, set) else got,
					sorted(want) if isinstance(want, set) else want,
				)
			)
		if not right["level1"]:
			numbers = [n for k in rows for n in matrix["phones"].get(doctype, {}).get(k, [])]
			leaked = sorted({n for n in numbers for t in texts if n in t})
			if leaked:
				leaks.append((path, leaked))
	assert not wrong, f"{doctype} as {role}: (path, seen, expected) {wrong}"
	xfails = [path for path, _n in leaks if (doctype, role, path) in MASKING_XFAIL_ITEM_4_5]
	real = [leak for leak in leaks if leak[0] not in xfails]
	assert not real, f"{doctype} as {role}: full numbers of permlevel-1 fields reached the client {real}"
	if xfails:
		pytest.xfail(reason=f"issue 12 item 4/5: masking in {xfails}")
