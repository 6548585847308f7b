"""Metadata lint: the app's DocType, Report, Workflow and Workspace JSON, hooks.py, whitelisted
signatures and zh translations, checked without a site and without importing frappe.

Everything is discovered from the source tree (modules.txt → module folders → JSON), so new modules,
doctypes, reports, workflows and workspaces are linted as soon as they land. Each check is a function
returning a list of problems; each test parametrises over the discovered items and asserts the list is
empty, so a failure names the culprit. Where nothing exists yet, a single test re-runs the discovery,
asserts it really found zero items and skips with the reason. The self-tests at the end feed broken
metadata to every checker to prove it can fail.
"""

import ast
import copy
import json
import keyword
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
APP_ROOT = REPO / "apps" / "crm_suite"
APP_NAME = "crm_suite"
PACKAGE = APP_ROOT / APP_NAME
# Read-only reference checkout; only read as text, never imported. The bench as scripts/test.sh finds it:
# $FRAPPE_BENCH, else ~/frappe-bench (never one machine's path).
FRAPPE_BENCH = Path(os.environ.get("FRAPPE_BENCH") or Path.home() / "frappe-bench")
FRAPPE_APP = FRAPPE_BENCH / "apps" / "frappe"
FRAPPE_PACKAGE = FRAPPE_APP / "frappe"
# Frappe v15's gettext catalogues: <app>/locale/<lang>.po, compiled to .mo by `bench build`
TRANSLATIONS_ZH = PACKAGE / "locale" / "zh.po"

SHIPPED_ROLES = frozenset(
	{
		"CRM Salesperson",
		"CRM Manager",
		"CRM Admin",
		"Caller ID Device",
		"CRM Service Engineer",
		"System Manager",
	}
)

# Used only when the reference tree is absent.
FALLBACK_CORE_DOCTYPES = frozenset(
	{
		"User", "Role", "DocType", "Contact", "Address", "File", "Currency", "Country", "Has Role",
		"Dynamic Link", "Module Def", "Report", "Workflow State", "Workflow Action Master", "Communication",
		"Comment", "ToDo", "Note", "Email Template", "Print Format", "SMS Settings", "Notification Log",
		"DocShare",
	}
)  # fmt: skip
FALLBACK_CORE_CHILD_TABLES = frozenset({"Has Role", "Dynamic Link"})
FALLBACK_RESERVED_FIELDNAMES = {
	"default_fields": ("doctype", "name", "owner", "creation", "modified", "modified_by", "docstatus", "idx"),
	"child_table_fields": ("parent", "parentfield", "parenttype"),
	"optional_fields": ("_user_tags", "_comments", "_assign", "_liked_by", "_seen"),
}

# ERPNext v15, HRMS and Frappe CRM own these names; sharing one breaks installing beside them. The committed
# lists (tests/pure/foreign_doctypes/<app>.txt, one name a line, # comments) are the reference; the few
# names below were listed before them and stay.
FOREIGN_DOCTYPE_LISTS = Path(__file__).resolve().parent / "foreign_doctypes"


def read_foreign_doctypes(folder: Path = FOREIGN_DOCTYPE_LISTS) -> dict[str, frozenset[str]]:
	"""app → its doctype names, from the committed lists."""
	lists = {}
	for path in sorted(folder.glob("*.txt")):
		lines = path.read_text(encoding="utf-8").splitlines()
		lists[path.stem] = frozenset(l.strip() for l in lines if l.strip() and not l.lstrip().startswith("#"))
	return lists


FOREIGN_DOCTYPES_BY_APP = read_foreign_doctypes()
FOREIGN_APP_DOCTYPES = frozenset(
	{
		"Customer", "Lead", "Opportunity", "Contact", "Department", "Designation", "Territory",
		"Industry Type", "Lead Source", "Sales Person", "Sales Stage", "Campaign", "Call Log", "Competitor",
		"Prospect", "Contract", "Quotation", "Sales Order", "Item", "Item Group", "Customer Group",
		"Employee",
	}
).union(*FOREIGN_DOCTYPES_BY_APP.values())  # fmt: skip
FRAPPE_CRM_PREFIX = "CRM "
FRAPPE_CRM_PREFIX_ALLOWED = frozenset({"CRM Suite Settings"})

TABLE_FIELDTYPES = ("Table", "Table MultiSelect")
REPORT_TYPES = ("Script Report", "Query Report", "Report Builder", "Custom Report")
# Tokens frappe.model.naming.parse_naming_series understands besides fieldnames.
NAMING_DATE_TOKENS = frozenset({"YYYY", "YY", "MM", "DD", "WW", "timestamp"})
FIELDNAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
DOTTED_PATH_RE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
APP_DOTTED_PATH_RE = re.compile(rf"^{APP_NAME}(\.\w+)+$")
ASSET_HOOK_RE = re.compile(
	r"^((app|web|webform)_include_(js|css)|doctype(_list|_tree|_calendar)?_js|page_js)$"
)
BUNDLE_SOURCES = {"js": ("js", "ts", "jsx", "tsx", "vue"), "css": ("css", "scss", "sass", "less", "styl")}
ASSET_SUFFIXES = frozenset({"js", "css", "scss", "less", "html", "json", "svg", "png", "jpg", "vue", "ts"})

# Hook keys whose every string value is a python path called by Frappe.
PATH_HOOKS = frozenset(
	{
		"after_install", "before_uninstall", "after_uninstall", "before_install", "after_migrate",
		"before_migrate", "before_tests", "permission_query_conditions", "has_permission", "doc_events",
		"scheduler_events", "override_whitelisted_methods", "on_session_creation", "on_logout",
		"boot_session", "extend_bootinfo", "auth_hooks", "before_request", "after_request", "before_job",
		"after_job", "override_doctype_class",
	}
)  # fmt: skip
# Hook keys whose dict keys are doctype names ("*" meaning all).
DOCTYPE_KEYED_HOOKS = frozenset(
	{
		"permission_query_conditions", "has_permission", "doc_events", "override_doctype_class",
		"doctype_js", "doctype_list_js", "doctype_tree_js", "doctype_calendar_js", "standard_queries",
		"override_doctype_dashboards",
	}
)  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# Helpers


def scrub(text: str) -> str:
	"""frappe.scrub: `Sales Order` → `sales_order`."""
	return text.replace(" ", "_").replace("-", "_").lower()


def controller_class_name(doctype: str) -> str:
	return doctype.replace(" ", "").replace("-", "")


def load_json(path: Path):
	"""(data, None) or (None, error message)."""
	try:
		return json.loads(path.read_text(encoding="utf-8")), None
	except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
		return None, f"{path.name} does not parse: {e}"


def fields_by_name(doc: dict) -> dict[str, dict]:
	return {f["fieldname"]: f for f in doc.get("fields") or [] if isinstance(f, dict) and f.get("fieldname")}


def _module_level_statements(body: list[ast.stmt]):
	"""Top-level statements, looking through if/try/with blocks but never into defs or classes."""
	for node in body:
		yield node
		if isinstance(node, ast.If | ast.With):
			yield from _module_level_statements(node.body)
			yield from _module_level_statements(getattr(node, "orelse", []))
		elif isinstance(node, ast.Try):
			yield from _module_level_statements(node.body)
			for handler in node.handlers:
				yield from _module_level_statements(handler.body)
			yield from _module_level_statements(node.orelse)
			yield from _module_level_statements(node.finalbody)


def top_level_names(tree: ast.Module) -> set[str]:
	"""Names a module defines at import time: defs, classes, assignments, imports and re-exports."""
	names = set()
	for node in _module_level_statements(tree.body):
		if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
			names.add(node.name)
		elif isinstance(node, ast.Assign):
			for target in node.targets:
				names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
		elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
			names.add(node.target.id)
		elif isinstance(node, ast.ImportFrom):
			names.update(alias.asname or alias.name for alias in node.names)
		elif isinstance(node, ast.Import):
			names.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
	return names


def locate_module(root: Path, dotted: list[str]) -> Path | None:
	"""The file importing `dotted` would load, relative to a sys.path entry `root`."""
	base = root.joinpath(*dotted)
	for candidate in (base.with_name(base.name + ".py"), base / "__init__.py"):
		if candidate.is_file():
			return candidate
	return None


def read_modules(package: Path) -> list[str]:
	path = package / "modules.txt"
	if not path.is_file():
		return []
	return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _rel(path: Path) -> str:
	try:
		return str(path.relative_to(PACKAGE))
	except ValueError:
		return str(path)


# Fieldtypes that hold no value (Frappe's `display_fieldtypes`): no type annotation is generated for them.
DISPLAY_FIELDTYPES = frozenset(
	{"Section Break", "Column Break", "Tab Break", "HTML", "Button", "Image", "Fold", "Heading"}
)
CHILD_TABLE_FIELDS = frozenset({"parent", "parentfield", "parenttype"})
TYPES_BLOCK_RE = re.compile(
	r"# begin: auto-generated types\n(?P<body>.*?)# end: auto-generated types", re.DOTALL
)
ANNOTATION_RE = re.compile(r"^\s+(\w+): DF\.", re.MULTILINE)


def check_type_annotations(doc: dict, controller: Path) -> list[str]:
	"""The controller carries Frappe's generated type block (`export_python_type_annotations`), and it
	names exactly the doctype's value fields: regenerate it (save the DocType in developer mode, or run
	`frappe.types.exporter.TypeExporter`) when fields change."""
	if not controller.is_file():
		return [f"{doc.get('name')}: controller {_rel(controller)} is missing"]
	source = controller.read_text(encoding="utf-8")
	class_line = f"class {controller_class_name(doc['name'])}("
	block = TYPES_BLOCK_RE.search(source)
	if class_line not in source or not block or block.start() < source.index(class_line):
		return [f"{doc.get('name')}: {_rel(controller)} has no auto-generated types block in its class"]
	annotated = set(ANNOTATION_RE.findall(block.group("body")))
	expected = {
		f["fieldname"]
		for f in doc.get("fields") or []
		if f.get("fieldname") and f.get("fieldtype") not in DISPLAY_FIELDTYPES
	}
	if doc.get("istable"):
		expected |= CHILD_TABLE_FIELDS
	problems = [f"{doc['name']}: field '{f}' has no type annotation" for f in sorted(expected - annotated)]
	problems += [f"{doc['name']}: annotation '{f}' is not a field" for f in sorted(annotated - expected)]
	return problems


# ---------------------------------------------------------------------------------------------------------
# Discovery


@dataclass(frozen=True)
class MetaFile:
	"""One JSON document of the app, parsed or not."""

	path: Path
	data: object
	error: str | None

	@property
	def name(self) -> str:
		if isinstance(self.data, dict) and isinstance(self.data.get("name"), str):
			return self.data["name"]
		return _rel(self.path)

	@property
	def doc(self) -> dict | None:
		return self.data if isinstance(self.data, dict) else None


@dataclass(frozen=True)
class NothingFound:
	"""Stands in for an empty parameter list: the test re-runs discovery, asserts zero, then skips."""

	what: str
	rediscover: Callable[[], list]


def _load_all(paths) -> list[MetaFile]:
	files = []
	for path in sorted(paths):
		data, error = load_json(path)
		files.append(MetaFile(path, data, error))
	return files


def _is_test_data(path: Path) -> bool:
	return path.name.startswith("test_")


def discover_doctype_files(package: Path = PACKAGE) -> list[MetaFile]:
	"""Every `*/doctype/*/*.json` but test data; folders outside modules.txt are included and flagged."""
	return _load_all(p for p in package.glob("*/doctype/*/*.json") if not _is_test_data(p))


def discover_report_files(package: Path = PACKAGE) -> list[MetaFile]:
	return _load_all(p for p in package.glob("*/report/*/*.json") if not _is_test_data(p))


def discover_workspace_files(package: Path = PACKAGE) -> list[MetaFile]:
	return _load_all(package.glob("*/workspace/*/*.json"))


def discover_workflow_docs(package: Path = PACKAGE) -> list[MetaFile]:
	"""Module-folder workflows plus Workflow docs inside fixtures/*.json (lists of documents)."""
	found = _load_all(package.glob("*/workflow/*/*.json"))
	for fixture in _load_all((package / "fixtures").glob("*.json")):
		if fixture.error:
			found.append(fixture)
			continue
		docs = fixture.data if isinstance(fixture.data, list) else [fixture.data]
		found.extend(
			MetaFile(fixture.path, doc, None)
			for doc in docs
			if isinstance(doc, dict) and doc.get("doctype") == "Workflow"
		)
	return found


def discover_python_files(package: Path = PACKAGE) -> list[Path]:
	return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)


def doctype_description(doc: dict, source: str) -> dict:
	return {"istable": bool(doc.get("istable")), "fields": fields_by_name(doc), "source": source}


def scan_frappe_core(frappe_package: Path = FRAPPE_PACKAGE) -> tuple[dict[str, dict], set[str]] | None:
	"""Core doctypes (name → description) and report names from the reference tree, if it is there."""
	if not frappe_package.is_dir():
		return None
	doctypes = {}
	for path in sorted(frappe_package.glob("*/doctype/*/*.json")):
		if path.stem != path.parent.name:
			continue
		data, error = load_json(path)
		if not error and isinstance(data, dict) and data.get("doctype") == "DocType" and data.get("name"):
			doctypes[data["name"]] = doctype_description(data, "core")
	reports = set()
	for path in frappe_package.glob("*/report/*/*.json"):
		data, error = load_json(path)
		if not error and isinstance(data, dict) and data.get("doctype") == "Report" and data.get("name"):
			reports.add(data["name"])
	return doctypes, reports


def core_catalogue() -> tuple[dict[str, dict], set[str]]:
	scanned = scan_frappe_core()
	if scanned:
		return scanned
	fallback = {
		name: {"istable": name in FALLBACK_CORE_CHILD_TABLES, "fields": None, "source": "core"}
		for name in FALLBACK_CORE_DOCTYPES
	}
	return fallback, set()


def reserved_fieldnames(frappe_package: Path = FRAPPE_PACKAGE) -> frozenset[str]:
	"""default_fields, child_table_fields and optional_fields of frappe/model/__init__.py, read by AST."""
	values = dict(FALLBACK_RESERVED_FIELDNAMES)
	source = frappe_package / "model" / "__init__.py"
	if source.is_file():
		for node in ast.parse(source.read_text(encoding="utf-8")).body:
			if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple | ast.List):
				for target in node.targets:
					if isinstance(target, ast.Name) and target.id in values:
						values[target.id] = tuple(
							e.value for e in node.value.elts if isinstance(e, ast.Constant)
						)
	return frozenset(name for names in values.values() for name in names)


def parse_hooks(package: Path = PACKAGE) -> tuple[dict[str, ast.expr], str | None]:
	"""Top-level assignments of hooks.py by AST (never imported), or the parse error."""
	path = package / "hooks.py"
	try:
		tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
	except (OSError, SyntaxError) as e:
		return {}, f"hooks.py does not parse: {e}"
	hooks = {}
	for node in tree.body:
		if isinstance(node, ast.Assign):
			for target in node.targets:
				if isinstance(target, ast.Name):
					hooks[target.id] = node.value
		elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
			hooks[node.target.id] = node.value
	return hooks, None


def _value_strings(node: ast.expr):
	"""String constants in value positions (dict keys are doctypes, events or cron lines, not paths)."""
	if isinstance(node, ast.Constant) and isinstance(node.value, str):
		yield node.value
	elif isinstance(node, ast.Dict):
		for value in node.values:
			yield from _value_strings(value)
	elif isinstance(node, ast.List | ast.Tuple | ast.Set):
		for element in node.elts:
			yield from _value_strings(element)


def _is_asset(key: str, value: str) -> bool:
	return key.endswith(("_js", "_css")) or "include" in key or value.rsplit(".", 1)[-1] in ASSET_SUFFIXES


def hook_targets(hooks: dict[str, ast.expr]) -> list[tuple[str, str]]:
	"""(hook key, dotted path) pairs to resolve, deduplicated, in hooks.py order."""
	targets = []
	for key, node in hooks.items():
		for value in _value_strings(node):
			if key in PATH_HOOKS or (APP_DOTTED_PATH_RE.fullmatch(value) and not _is_asset(key, value)):
				if (key, value) not in targets:
					targets.append((key, value))
	return targets


def hook_doctype_keys(hooks: dict[str, ast.expr]) -> list[tuple[str, str]]:
	keys = []
	for key in sorted(DOCTYPE_KEYED_HOOKS & hooks.keys()):
		node = hooks[key]
		if isinstance(node, ast.Dict):
			for k in node.keys:
				if isinstance(k, ast.Constant) and isinstance(k.value, str):
					keys.append((key, k.value))
	return keys


def hook_assets(hooks: dict[str, ast.expr]) -> list[tuple[str, str]]:
	"""(hook key, asset) pairs of the include and doctype script hooks."""
	assets = []
	for key, node in hooks.items():
		if ASSET_HOOK_RE.fullmatch(key):
			assets += [(key, value) for value in _value_strings(node) if (key, value) not in assets]
	return assets


@dataclass(frozen=True)
class Whitelisted:
	"""A @frappe.whitelist function, or a file that could not be parsed (then node is None)."""

	path: Path
	qualname: str
	node: ast.FunctionDef | ast.AsyncFunctionDef | None
	in_class: bool
	error: str | None = None


def is_whitelist_decorator(decorator: ast.expr) -> bool:
	target = decorator.func if isinstance(decorator, ast.Call) else decorator
	if isinstance(target, ast.Attribute):
		return (
			target.attr == "whitelist" and isinstance(target.value, ast.Name) and target.value.id == "frappe"
		)
	return isinstance(target, ast.Name) and target.id == "whitelist"


def find_whitelisted(tree: ast.Module, path: Path) -> list[Whitelisted]:
	found = []

	def visit(body, prefix: str, in_class: bool):
		for node in body:
			if isinstance(node, ast.ClassDef):
				visit(node.body, f"{prefix}{node.name}.", True)
			elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
				if any(is_whitelist_decorator(d) for d in node.decorator_list):
					found.append(Whitelisted(path, prefix + node.name, node, in_class))
				visit(node.body, f"{prefix}{node.name}.", False)
			elif isinstance(node, ast.If | ast.Try | ast.With):
				for block in ("body", "orelse", "finalbody"):
					visit(getattr(node, block, []), prefix, in_class)
				for handler in getattr(node, "handlers", []):
					visit(handler.body, prefix, in_class)

	visit(tree.body, "", False)
	return found


def discover_whitelisted(package: Path = PACKAGE) -> list[Whitelisted]:
	found = []
	for path in discover_python_files(package):
		try:
			tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
		except (OSError, SyntaxError, UnicodeDecodeError) as e:
			found.append(Whitelisted(path, "<module>", None, False, f"does not parse: {e}"))
			continue
		found.extend(find_whitelisted(tree, path))
	return found


def load_translations(path: Path = TRANSLATIONS_ZH) -> dict[str, str]:
	"""msgid → msgstr from a gettext catalogue; a translation with any context counts, fuzzy ones do not."""
	from babel.messages.pofile import read_po

	with path.open("rb") as handle:
		catalog = read_po(handle)
	return {
		message.id: message.string
		for message in catalog
		if message.id and isinstance(message.id, str) and (message.string or "").strip() and not message.fuzzy
	}


# ---------------------------------------------------------------------------------------------------------
# Checks: each returns a list of problems, empty when the metadata is sound.


def check_doctype_identity(doc: dict, json_path: Path, modules: list[str]) -> list[str]:
	"""1. Type, name ↔ folder, module ↔ modules.txt ↔ folder, controller class."""
	problems = []
	folder, module_folder = json_path.parent.name, json_path.parents[2].name
	if json_path.stem != folder:
		problems.append(f"{json_path.name} is not named after its folder {folder}/")
	if doc.get("doctype") != "DocType":
		problems.append(f"doctype is {doc.get('doctype')!r}, expected 'DocType'")
	name = doc.get("name")
	if not isinstance(name, str) or not name:
		return [*problems, "has no name"]
	if scrub(name) != folder:
		problems.append(f"name {name!r} scrubs to {scrub(name)!r}, but the folder is {folder!r}")
	module = doc.get("module")
	module_of_folder = {scrub(m): m for m in modules}.get(module_folder)
	if module not in modules:
		problems.append(f"module {module!r} is not listed in modules.txt")
	if module_of_folder is None:
		problems.append(f"module folder {module_folder}/ belongs to no module of modules.txt")
	elif module != module_of_folder:
		problems.append(f"module {module!r}, but it lives in the folder of module {module_of_folder!r}")
	controller = json_path.with_name(folder + ".py")
	class_name = controller_class_name(name)
	if not controller.is_file():
		problems.append(f"controller {controller.name} is missing")
	else:
		tree = ast.parse(controller.read_text(encoding="utf-8"))
		if not any(isinstance(n, ast.ClassDef) and n.name == class_name for n in tree.body):
			problems.append(f"controller {controller.name} defines no class {class_name}")
	return problems


def check_fieldnames(doc: dict, reserved: frozenset[str]) -> list[str]:
	"""2. Fieldnames present, unique, lowercase identifiers, not reserved; field_order == fields."""
	problems = []
	fields = doc.get("fields") or []
	names = []
	for index, field in enumerate(fields):
		fieldname = field.get("fieldname")
		if not fieldname:
			problems.append(f"field #{index} ({field.get('label')!r}) has no fieldname")
			continue
		names.append(fieldname)
		if not field.get("fieldtype"):
			problems.append(f"{fieldname}: no fieldtype")
		if not FIELDNAME_RE.fullmatch(fieldname) or keyword.iskeyword(fieldname):
			problems.append(f"{fieldname!r} is not a lowercase identifier of [a-z0-9_]")
		if fieldname in reserved:
			problems.append(f"{fieldname!r} is a Frappe reserved fieldname")
	problems += [f"fieldname {n!r} appears {c} times" for n, c in Counter(names).items() if c > 1]
	order = doc.get("field_order") or []
	problems += [f"field_order lists {n!r} {c} times" for n, c in Counter(order).items() if c > 1]
	if missing := [n for n in names if n not in order]:
		problems.append(f"field_order misses {missing}")
	if extra := [n for n in order if n not in names]:
		problems.append(f"field_order lists fields that do not exist: {extra}")
	return problems


def check_link_targets(doc: dict, catalogue: dict[str, dict]) -> list[str]:
	"""3. Link/Table targets exist (tables must be child tables), Dynamic Link sources, fetch_from."""
	problems = []
	by_name = fields_by_name(doc)
	for fieldname, field in by_name.items():
		fieldtype, options = field.get("fieldtype"), (field.get("options") or "").strip()
		if fieldtype == "Link" or fieldtype in TABLE_FIELDTYPES:
			target = catalogue.get(options)
			if not options:
				problems.append(f"{fieldname}: {fieldtype} without a target doctype in options")
			elif target is None:
				problems.append(
					f"{fieldname}: {fieldtype} target {options!r} is neither an app nor a core doctype"
				)
			elif fieldtype in TABLE_FIELDTYPES and not target["istable"]:
				problems.append(f"{fieldname}: {fieldtype} target {options!r} is not a child table (istable)")
			elif fieldtype == "Table MultiSelect" and target["fields"] is not None:
				if not any(f.get("fieldtype") == "Link" for f in target["fields"].values()):
					problems.append(f"{fieldname}: Table MultiSelect child {options!r} has no Link field")
		elif fieldtype == "Dynamic Link":
			source = by_name.get(options)
			if source is None:
				problems.append(
					f"{fieldname}: Dynamic Link options {options!r} is not a field of this doctype"
				)
			elif not (
				(source.get("fieldtype") == "Link" and source.get("options") == "DocType")
				or source.get("fieldtype") == "Select"
			):
				problems.append(
					f"{fieldname}: Dynamic Link source {options!r} is not a Link to DocType or a Select"
				)
		fetch_from = field.get("fetch_from")
		if fetch_from:
			link_name, _, remote = fetch_from.partition(".")
			link = by_name.get(link_name)
			if not link_name or not remote or "." in remote:
				problems.append(f"{fieldname}: fetch_from {fetch_from!r} is not 'link_field.fieldname'")
			elif link is None or link.get("fieldtype") != "Link":
				problems.append(
					f"{fieldname}: fetch_from {fetch_from!r}: {link_name!r} is not a Link field here"
				)
			else:
				target = catalogue.get(link.get("options"))
				known = target and target["fields"]
				if (
					known
					and remote not in known
					and remote not in FALLBACK_RESERVED_FIELDNAMES["default_fields"]
				):
					problems.append(
						f"{fieldname}: fetch_from {fetch_from!r}: {link['options']!r} has no {remote!r}"
					)
	return problems


def check_permissions(doc: dict, shipped_roles: frozenset[str] = SHIPPED_ROLES) -> list[str]:
	"""4. A non-child doctype grants level-0 read to at least one shipped role."""
	if doc.get("istable"):
		return []
	for row in doc.get("permissions") or []:
		if row.get("read") and row.get("role") in shipped_roles and not row.get("permlevel"):
			return []
	return [f"no permission row grants read (permlevel 0) to any of {sorted(shipped_roles)}"]


def check_naming(doc: dict) -> list[str]:
	"""5. autoname is a known rule over existing fields; trees carry the nested-set fields."""
	problems = []
	by_name = fields_by_name(doc)
	autoname = (doc.get("autoname") or "").strip()
	if not autoname or autoname.lower() in ("hash", "autoincrement", "prompt"):
		pass
	elif autoname == "naming_series:":
		series = by_name.get("naming_series")
		if series is None:
			problems.append("autoname naming_series: but there is no naming_series field")
		elif series.get("fieldtype") != "Select":
			problems.append("naming_series must be a Select field")
		elif not any(line.strip() for line in (series.get("options") or "").split("\n")):
			problems.append("naming_series has no series in its options")
	elif autoname.startswith("field:"):
		fieldname = autoname.removeprefix("field:").strip()
		if fieldname not in by_name:
			problems.append(f"autoname {autoname!r} names a field that does not exist")
	elif autoname.startswith("format:"):
		placeholders = re.findall(r"\{(.*?)\}", autoname)
		if not placeholders:
			problems.append(
				f"autoname {autoname!r} has no {{placeholder}}: every document would get one name"
			)
		for placeholder in placeholders:
			if placeholder in NAMING_DATE_TOKENS or re.fullmatch(r"#+", placeholder):
				continue
			if placeholder not in by_name:
				problems.append(
					f"autoname {autoname!r}: {{{placeholder}}} is neither a date token nor a field"
				)
	else:
		problems.append(
			f"autoname {autoname!r} is not one of hash, autoincrement, prompt, naming_series:, field:, "
			"format:"
		)
	if doc.get("is_tree"):
		name = doc.get("name") or ""
		problems += [
			f"tree without a {f} field" for f in ("lft", "rgt", "is_group", "old_parent") if f not in by_name
		]
		parent_field = doc.get("nsm_parent_field") or f"parent_{scrub(name)}"
		parent = by_name.get(parent_field)
		if parent is None:
			problems.append(f"tree without its parent field {parent_field!r}")
		elif parent.get("fieldtype") != "Link" or parent.get("options") != name:
			problems.append(f"tree parent field {parent_field!r} is not a Link to {name!r}")
	return problems


def check_report(doc: dict, json_path: Path, modules: list[str], catalogue: dict[str, dict]) -> list[str]:
	"""6. Report type, name ↔ folder, module, ref_doctype, and execute() for script reports."""
	problems = []
	folder = json_path.parent.name
	if doc.get("doctype") != "Report":
		problems.append(f"doctype is {doc.get('doctype')!r}, expected 'Report'")
	name = doc.get("name") or doc.get("report_name") or ""
	if json_path.stem != folder or scrub(name) != folder:
		problems.append(f"report {name!r} / {json_path.name} does not match its folder {folder}/")
	module_of_folder = {scrub(m): m for m in modules}.get(json_path.parents[2].name)
	if doc.get("module") not in modules or doc.get("module") != module_of_folder:
		problems.append(f"module {doc.get('module')!r} is not the modules.txt module of its folder")
	if doc.get("ref_doctype") not in catalogue:
		problems.append(f"ref_doctype {doc.get('ref_doctype')!r} is neither an app nor a core doctype")
	if doc.get("report_type") not in REPORT_TYPES:
		problems.append(f"report_type {doc.get('report_type')!r} is not one of {REPORT_TYPES}")
	if doc.get("is_standard") != "Yes":
		problems.append("a report shipped in the app must have is_standard 'Yes'")
	if doc.get("report_type") == "Script Report":
		script = json_path.with_name(folder + ".py")
		if not script.is_file():
			problems.append(f"Script Report without {script.name}")
		else:
			tree = ast.parse(script.read_text(encoding="utf-8"))
			if not any(isinstance(n, ast.FunctionDef) and n.name == "execute" for n in tree.body):
				problems.append(f"{script.name} has no top-level def execute")
	return problems


def check_workflow(wf: dict, catalogue: dict[str, dict], roles: frozenset[str] = SHIPPED_ROLES) -> list[str]:
	"""7. Document type and its state field, states, transitions, actions and roles."""
	problems = []
	if wf.get("doctype") != "Workflow":
		problems.append(f"doctype is {wf.get('doctype')!r}, expected 'Workflow'")
	document_type = wf.get("document_type")
	target = catalogue.get(document_type)
	if target is None:
		problems.append(f"document_type {document_type!r} is neither an app nor a core doctype")
	state_field = wf.get("workflow_state_field") or "workflow_state"
	if target and target["fields"] is not None and state_field not in target["fields"]:
		problems.append(f"{document_type!r} has no {state_field!r} field for the workflow state")
	states = [s.get("state") for s in wf.get("states") or []]
	if not states:
		problems.append("workflow has no states")
	problems += [f"state #{i} has no name" for i, s in enumerate(states) if not s]
	problems += [f"state {s!r} listed {c} times" for s, c in Counter(states).items() if s and c > 1]
	for row in wf.get("states") or []:
		if row.get("allow_edit") not in roles:
			problems.append(
				f"state {row.get('state')!r}: allow_edit role {row.get('allow_edit')!r} is not shipped"
			)
	for i, t in enumerate(wf.get("transitions") or []):
		label = f"transition #{i} ({t.get('state')!r} -{t.get('action')!r}-> {t.get('next_state')!r})"
		for key in ("state", "next_state"):
			if t.get(key) not in states:
				problems.append(f"{label}: {key} {t.get(key)!r} is not one of the workflow's states")
		if not (t.get("action") or "").strip():
			problems.append(f"{label}: empty action")
		if t.get("allowed") not in roles:
			problems.append(f"{label}: allowed role {t.get('allowed')!r} is not shipped")
	return problems


def check_hook_target(value: str, roots: dict[str, Path], allow_module: bool = False) -> list[str]:
	"""8. A hook's dotted path names a module under an installed app that defines the attribute."""
	if not DOTTED_PATH_RE.fullmatch(value):
		return [f"{value!r} is not a dotted python path"]
	parts = value.split(".")
	root = roots.get(parts[0])
	if root is None:
		if parts[0] == "frappe":
			return []  # frappe is always installed; without the reference tree it cannot be read
		return [f"{value!r} points outside {APP_NAME} and frappe, and the app requires no other app"]
	if allow_module and locate_module(root, parts):
		return []
	module = locate_module(root, parts[:-1])
	if module is None:
		return [f"{value!r}: module {'.'.join(parts[:-1])} does not exist under {root}"]
	if parts[-1] not in top_level_names(ast.parse(module.read_text(encoding="utf-8"))):
		return [f"{value!r}: {module.relative_to(root)} does not define {parts[-1]!r}"]
	return []


def check_hook_asset(value: str, package: Path) -> list[str]:
	"""8b. A hooked script or style exists: a bundle source under public/, an /assets/ file, or a path."""
	if value.startswith(("http://", "https://", "//")):
		return []
	relative = value.lstrip("/")
	if relative.startswith("assets/"):
		app, _, rest = relative.removeprefix("assets/").partition("/")
		if app != APP_NAME:
			return []  # another app's asset (frappe's own); not ours to find
		found = (package / "public" / rest).is_file()
	elif ".bundle." in value:
		stem, _, kind = value.rpartition(".")
		found = any(any(package.glob(f"public/**/{stem}.{ext}")) for ext in BUNDLE_SOURCES.get(kind, (kind,)))
	else:
		found = (package / relative).is_file()
	return [] if found else [f"asset {value!r} has no source file in {package.name}/"]


def check_whitelisted_signature(node: ast.FunctionDef | ast.AsyncFunctionDef, in_class: bool) -> list[str]:
	"""9. Every parameter of a whitelisted function is annotated (v15 validates arguments by them)."""
	args = node.args
	params = [*args.posonlyargs, *args.args]
	if in_class and params and params[0].arg in ("self", "cls"):
		params = params[1:]
	params += args.kwonlyargs
	return [f"parameter {p.arg!r} has no type annotation" for p in params if p.annotation is None]


def check_workspace(
	ws: dict,
	json_path: Path,
	modules: list[str],
	catalogue: dict[str, dict],
	reports: set[str],
	components: dict[str, set[str]],
) -> list[str]:
	"""10a. Workspace type, name ↔ folder, module; links, shortcuts, cards and charts resolve."""
	problems = []
	if ws.get("doctype") != "Workspace":
		problems.append(f"doctype is {ws.get('doctype')!r}, expected 'Workspace'")
	if scrub(ws.get("name") or "") != json_path.parent.name:
		problems.append(f"workspace {ws.get('name')!r} does not match its folder {json_path.parent.name}/")
	if ws.get("module") not in modules:
		problems.append(f"module {ws.get('module')!r} is not listed in modules.txt")
	targets = [
		("link", link.get("link_type"), link.get("link_to"))
		for link in ws.get("links") or []
		if link.get("type") == "Link"
	]
	targets += [("shortcut", s.get("type"), s.get("link_to")) for s in ws.get("shortcuts") or []]
	targets += [("quick list", "DocType", q.get("document_type")) for q in ws.get("quick_lists") or []]
	for kind, link_type, link_to in targets:
		if link_type == "DocType" and link_to not in catalogue:
			problems.append(f"{kind} to DocType {link_to!r}, which does not exist")
		elif link_type == "Report" and link_to not in reports:
			problems.append(f"{kind} to Report {link_to!r}, which does not exist")
	for key, item_key, component in (
		("number_cards", "number_card_name", "number_card"),
		("charts", "chart_name", "dashboard_chart"),
	):
		for item in ws.get(key) or []:
			if item.get(item_key) not in components.get(component, set()):
				problems.append(f"{key} entry {item.get(item_key)!r} is not a shipped {component}")
	return problems


def discover_component_names(component: str) -> dict[str, set[str]]:
	"""Names of Number Cards or Dashboard Charts shipped by the app and, if present, by frappe."""
	names = set()
	for package in (PACKAGE, FRAPPE_PACKAGE):
		for path in package.glob(f"*/{component}/*/*.json"):
			data, error = load_json(path)
			if not error and isinstance(data, dict) and data.get("name"):
				names.add(data["name"])
	return {component: names}


def workspace_doctypes(workspaces: list[dict]) -> set[str]:
	linked = set()
	for ws in workspaces:
		linked.update(
			link.get("link_to") for link in ws.get("links") or [] if link.get("link_type") == "DocType"
		)
		linked.update(s.get("link_to") for s in ws.get("shortcuts") or [] if s.get("type") == "DocType")
	return linked


def needs_workspace_entry(doc: dict) -> bool:
	return not doc.get("istable") and not doc.get("in_create")


def check_workspace_coverage(doc: dict, linked: set[str]) -> list[str]:
	"""10b. Users can reach every creatable, non-child doctype from some workspace."""
	if needs_workspace_entry(doc) and doc.get("name") not in linked:
		return [f"{doc.get('name')!r} is in no workspace link or shortcut"]
	return []


def check_translations(doc: dict, translations: dict[str, str]) -> list[str]:
	"""11. The doctype name and every field label have a zh translation."""
	sources = [doc.get("name")] + [f.get("label") for f in doc.get("fields") or [] if f.get("label")]
	missing = sorted({s for s in sources if s and not translations.get(s)})
	return [f"no zh translation for {missing}"] if missing else []


FOREIGN_FOLDED = frozenset(n.casefold() for n in FOREIGN_APP_DOCTYPES)


def check_name_collision(name: str, core_names: set[str]) -> list[str]:
	"""12. Stay out of the names of Frappe core, ERPNext and frappe/crm — in any letter case, as MariaDB's
	collation and Frappe's doctype lookup ignore it ("SMS log" takes ERPNext's "SMS Log")."""
	problems = []
	folded = name.casefold()
	if folded in {n.casefold() for n in core_names}:
		problems.append(f"{name!r} is a Frappe core doctype")
	if folded in FOREIGN_FOLDED:
		owners = sorted(
			app for app, names in FOREIGN_DOCTYPES_BY_APP.items() if folded in {n.casefold() for n in names}
		)
		problems.append(
			f"{name!r} is an ERPNext, HRMS or frappe/crm doctype ({', '.join(owners) or 'erpnext'})"
		)
	if name.startswith(FRAPPE_CRM_PREFIX) and name not in FRAPPE_CRM_PREFIX_ALLOWED:
		problems.append(f"{name!r} uses frappe/crm's 'CRM ' namespace")
	return problems


# ---------------------------------------------------------------------------------------------------------
# What the app holds now (collected once)

MODULES = read_modules(PACKAGE)
DOCTYPE_FILES = discover_doctype_files()
DOCTYPES = [f for f in DOCTYPE_FILES if f.doc and f.doc.get("doctype") == "DocType"]
REPORT_FILES = discover_report_files()
WORKFLOWS = discover_workflow_docs()
WORKSPACE_FILES = discover_workspace_files()
HOOKS, HOOKS_ERROR = parse_hooks()
WHITELISTED = discover_whitelisted()
RESERVED_FIELDNAMES = reserved_fieldnames()

CORE_DOCTYPES, CORE_REPORTS = core_catalogue()
APP_DOCTYPES = {f.doc["name"]: doctype_description(f.doc, "app") for f in DOCTYPES if f.doc.get("name")}
CATALOGUE = {**CORE_DOCTYPES, **APP_DOCTYPES}
APP_REPORTS = {f.doc.get("name") for f in REPORT_FILES if f.doc}
REPORTS = CORE_REPORTS | APP_REPORTS
WORKSPACE_COMPONENTS = {
	**discover_component_names("number_card"),
	**discover_component_names("dashboard_chart"),
}


def assert_clean(problems: list[str]) -> None:
	if problems:
		pytest.fail("\n".join(problems), pytrace=False)


def params(items: list, ids: Callable, nothing: NothingFound) -> list:
	if items:
		return [pytest.param(item, id=ids(item)) for item in items]
	return [pytest.param(nothing, id="none-yet")]


def skip_if_nothing(item) -> None:
	if isinstance(item, NothingFound):
		found = item.rediscover()
		assert found == [], f"collection saw no {item.what}, but discovery now finds {found}"
		pytest.skip(f"no {item.what} in the app yet (discovery returned 0 items)")


def _name(f: MetaFile) -> str:
	return f.name


DOCTYPE_FILE_PARAMS = params(DOCTYPE_FILES, _name, NothingFound("*/doctype/*/*.json", discover_doctype_files))
DOCTYPE_PARAMS = params(DOCTYPES, _name, NothingFound("parsed DocType JSON", lambda: DOCTYPES))


# ---------------------------------------------------------------------------------------------------------
# 1. Modules and doctype identity


def test_modules_txt_lists_modules():
	assert MODULES, "modules.txt is missing or empty"
	assert len(MODULES) == len(set(MODULES)), f"modules.txt repeats a module: {MODULES}"


@pytest.mark.parametrize("module", MODULES)
def test_module_folder_is_a_package(module):
	assert (PACKAGE / scrub(module) / "__init__.py").is_file(), f"{scrub(module)}/__init__.py is missing"


@pytest.mark.parametrize("meta", DOCTYPE_FILE_PARAMS)
def test_doctype_identity(meta):
	skip_if_nothing(meta)
	assert meta.error is None, meta.error
	assert isinstance(meta.data, dict), f"{_rel(meta.path)} is not a JSON object"
	assert_clean(check_doctype_identity(meta.data, meta.path, MODULES))


# 2–5, 12. Per-doctype field, link, permission, naming and name checks


@pytest.mark.parametrize("meta", DOCTYPE_PARAMS)
def test_doctype_fieldnames(meta):
	skip_if_nothing(meta)
	assert_clean(check_fieldnames(meta.doc, RESERVED_FIELDNAMES))


@pytest.mark.parametrize("meta", DOCTYPE_PARAMS)
def test_doctype_link_targets(meta):
	skip_if_nothing(meta)
	assert_clean(check_link_targets(meta.doc, CATALOGUE))


@pytest.mark.parametrize("meta", DOCTYPE_PARAMS)
def test_doctype_grants_read_to_a_shipped_role(meta):
	skip_if_nothing(meta)
	assert_clean(check_permissions(meta.doc))


@pytest.mark.parametrize("meta", DOCTYPE_PARAMS)
def test_doctype_naming_rule(meta):
	skip_if_nothing(meta)
	assert_clean(check_naming(meta.doc))


@pytest.mark.parametrize("meta", DOCTYPE_PARAMS)
def test_doctype_name_does_not_collide(meta):
	skip_if_nothing(meta)
	assert_clean(check_name_collision(meta.doc["name"], set(CORE_DOCTYPES)))


@pytest.mark.parametrize("meta", DOCTYPE_PARAMS)
def test_controller_has_generated_type_annotations(meta):
	skip_if_nothing(meta)
	assert_clean(check_type_annotations(meta.doc, meta.path.with_suffix(".py")))


def test_lint_detects_stale_type_annotations(tmp_path):
	doc = {
		"name": "Sample Thing",
		"fields": [
			{"fieldname": "title", "fieldtype": "Data"},
			{"fieldname": "sb", "fieldtype": "Section Break"},
			{"fieldname": "qty", "fieldtype": "Int"},
		],
	}
	controller = tmp_path / "sample_thing.py"
	controller.write_text("class SampleThing(Document):\n\tpass\n")
	assert _has(check_type_annotations(doc, controller), "no auto-generated types block")
	controller.write_text(
		"class SampleThing(Document):\n\t# begin: auto-generated types\n\tif TYPE_CHECKING:\n"
		"\t\ttitle: DF.Data | None\n\t\told: DF.Int\n\t# end: auto-generated types\n"
	)
	problems = check_type_annotations(doc, controller)
	assert _has(problems, "'qty' has no type annotation") and _has(problems, "'old' is not a field")
	assert not _has(problems, "'sb'")
	assert _has(check_type_annotations(doc, tmp_path / "missing.py"), "is missing")


def test_doctype_names_are_unique_in_the_app():
	names = Counter(f.doc.get("name") for f in DOCTYPES)
	assert [n for n, c in names.items() if c > 1] == []


# 6. Reports


@pytest.mark.parametrize(
	"meta", params(REPORT_FILES, _name, NothingFound("*/report/*/*.json", discover_report_files))
)
def test_report(meta):
	skip_if_nothing(meta)
	assert meta.error is None, meta.error
	assert isinstance(meta.data, dict), f"{_rel(meta.path)} is not a JSON object"
	assert_clean(check_report(meta.data, meta.path, MODULES, CATALOGUE))


# 7. Workflows


@pytest.mark.parametrize(
	"meta",
	params(
		WORKFLOWS,
		_name,
		NothingFound(
			"workflows (*/workflow/*/*.json or Workflow docs in fixtures/*.json)", discover_workflow_docs
		),
	),
)
def test_workflow(meta):
	skip_if_nothing(meta)
	assert meta.error is None, meta.error
	assert isinstance(meta.data, dict), f"{_rel(meta.path)} is not a JSON object"
	assert_clean(check_workflow(meta.data, CATALOGUE))


# 8. hooks.py


def test_hooks_py_parses():
	assert HOOKS_ERROR is None, HOOKS_ERROR


HOOK_ROOTS = {APP_NAME: APP_ROOT, **({"frappe": FRAPPE_APP} if FRAPPE_PACKAGE.is_dir() else {})}


@pytest.mark.parametrize(
	"key, value",
	[pytest.param(k, v, id=f"{k}={v}") for k, v in hook_targets(HOOKS)]
	or [pytest.param(None, None, id="none-yet")],
)
def test_hook_path_resolves(key, value):
	if key is None:
		assert hook_targets(parse_hooks()[0]) == []
		pytest.skip("hooks.py wires no python paths yet (discovery returned 0 items)")
	assert_clean(check_hook_target(value, HOOK_ROOTS, allow_module=key not in PATH_HOOKS))


@pytest.mark.parametrize(
	"key, doctype",
	[pytest.param(k, d, id=f"{k}[{d}]") for k, d in hook_doctype_keys(HOOKS)]
	or [pytest.param(None, None, id="none-yet")],
)
def test_hook_doctype_keys_exist(key, doctype):
	if key is None:
		assert hook_doctype_keys(parse_hooks()[0]) == []
		pytest.skip("hooks.py keys nothing by doctype yet (discovery returned 0 items)")
	assert doctype == "*" or doctype in CATALOGUE, f"{key} names doctype {doctype!r}, which does not exist"


def scoped_without_has_permission(hooks: dict[str, ast.expr]) -> list[str]:
	"""Doctypes with a `permission_query_conditions` hook but no `has_permission` hook: their lists are
	scoped while a row is still readable by name (issue 12 item 3, SPEC ORG-03)."""

	def keys(name: str) -> set[str]:
		node = hooks.get(name)
		if not isinstance(node, ast.Dict):
			return set()
		return {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}

	return sorted(keys("permission_query_conditions") - keys("has_permission"))


def test_every_scoped_doctype_has_a_has_permission_hook():
	assert (
		scoped_without_has_permission(HOOKS) == []
	), "these doctypes are scoped in lists but not per document; add has_permission from the same criterion"


def test_lint_detects_a_scoped_doctype_without_has_permission():
	hooks = {
		"permission_query_conditions": ast.parse('{"A": "x.a", "B": "x.b"}', mode="eval").body,
		"has_permission": ast.parse('{"A": "x.has_a"}', mode="eval").body,
	}
	assert scoped_without_has_permission(hooks) == ["B"]


@pytest.mark.parametrize(
	"key, value",
	[pytest.param(k, v, id=f"{k}={v}") for k, v in hook_assets(HOOKS)]
	or [pytest.param(None, None, id="none-yet")],
)
def test_hook_asset_exists(key, value):
	if key is None:
		assert hook_assets(parse_hooks()[0]) == []
		pytest.skip("hooks.py includes no scripts or styles yet (discovery returned 0 items)")
	assert_clean(check_hook_asset(value, PACKAGE))


# 9. Whitelisted signatures


@pytest.mark.parametrize(
	"func",
	params(
		WHITELISTED,
		lambda w: f"{_rel(w.path)}::{w.qualname}",
		NothingFound("@frappe.whitelist functions", discover_whitelisted),
	),
)
def test_whitelisted_parameters_are_annotated(func):
	skip_if_nothing(func)
	assert func.error is None, f"{_rel(func.path)} {func.error}"
	assert_clean(check_whitelisted_signature(func.node, func.in_class))


# 10. Workspaces


@pytest.mark.parametrize(
	"meta", params(WORKSPACE_FILES, _name, NothingFound("*/workspace/*/*.json", discover_workspace_files))
)
def test_workspace_links_resolve(meta):
	skip_if_nothing(meta)
	assert meta.error is None, meta.error
	assert isinstance(meta.data, dict), f"{_rel(meta.path)} is not a JSON object"
	assert_clean(check_workspace(meta.data, meta.path, MODULES, CATALOGUE, REPORTS, WORKSPACE_COMPONENTS))


@pytest.mark.parametrize(
	"meta",
	params(
		[f for f in DOCTYPES if needs_workspace_entry(f.doc)] if WORKSPACE_FILES else [],
		_name,
		NothingFound("workspaces to reach doctypes from (*/workspace/*/*.json)", discover_workspace_files),
	),
)
def test_doctype_is_reachable_from_a_workspace(meta):
	skip_if_nothing(meta)
	linked = workspace_doctypes([f.doc for f in WORKSPACE_FILES if f.doc])
	problems = check_workspace_coverage(meta.doc, linked)
	assert_clean(problems)


# 11. zh translations


def _translation_files() -> list[Path]:
	return [TRANSLATIONS_ZH] if TRANSLATIONS_ZH.is_file() else []


@pytest.mark.parametrize(
	"meta",
	params(
		DOCTYPES if TRANSLATIONS_ZH.is_file() else [],
		_name,
		NothingFound(f"zh translations ({_rel(TRANSLATIONS_ZH)})", _translation_files),
	),
)
def test_doctype_has_zh_translations(meta):
	skip_if_nothing(meta)
	assert_clean(check_translations(meta.doc, load_translations()))


# ---------------------------------------------------------------------------------------------------------
# Self-tests: each checker reports deliberately broken metadata (and passes the sound original).


def _sample_catalogue() -> dict[str, dict]:
	return {
		"User": {"istable": False, "fields": {"full_name": {"fieldtype": "Data"}}, "source": "core"},
		"DocType": {"istable": False, "fields": None, "source": "core"},
		"Sample Role Row": {
			"istable": True,
			"fields": {"role": {"fieldname": "role", "fieldtype": "Link", "options": "Role"}},
			"source": "app",
		},
		"Role": {"istable": False, "fields": None, "source": "core"},
		"Sample Tree": {"istable": False, "fields": None, "source": "app"},
	}


def _sample_doctype() -> dict:
	fields = [
		{"fieldname": "naming_series", "fieldtype": "Select", "options": "SMP-.YYYY.-.#####"},
		{"fieldname": "title", "fieldtype": "Data", "label": "Title"},
		{"fieldname": "owner_user", "fieldtype": "Link", "options": "User", "label": "Owner User"},
		{"fieldname": "owner_name", "fieldtype": "Data", "fetch_from": "owner_user.full_name"},
		{"fieldname": "reference_doctype", "fieldtype": "Link", "options": "DocType"},
		{"fieldname": "reference_name", "fieldtype": "Dynamic Link", "options": "reference_doctype"},
		{"fieldname": "roles", "fieldtype": "Table MultiSelect", "options": "Sample Role Row"},
		{"fieldname": "parent_sample_tree", "fieldtype": "Link", "options": "Sample Tree"},
		{"fieldname": "is_group", "fieldtype": "Check"},
		{"fieldname": "lft", "fieldtype": "Int"},
		{"fieldname": "rgt", "fieldtype": "Int"},
		{"fieldname": "old_parent", "fieldtype": "Link", "options": "Sample Tree"},
	]
	return {
		"doctype": "DocType",
		"name": "Sample Tree",
		"module": "Customers",
		"autoname": "naming_series:",
		"is_tree": 1,
		"fields": fields,
		"field_order": [f["fieldname"] for f in fields],
		"permissions": [{"role": "System Manager", "read": 1, "write": 1}],
	}


def _sample_workflow() -> dict:
	return {
		"doctype": "Workflow",
		"name": "Sample Approval",
		"document_type": "Sample Tree",
		"workflow_state_field": "title",
		"states": [
			{"state": "Draft", "doc_status": "0", "allow_edit": "CRM Salesperson"},
			{"state": "Approved", "doc_status": "0", "allow_edit": "CRM Manager"},
		],
		"transitions": [
			{"state": "Draft", "action": "Approve", "next_state": "Approved", "allowed": "CRM Manager"}
		],
	}


def _sample_catalogue_with_doctype() -> dict[str, dict]:
	catalogue = _sample_catalogue()
	catalogue["Sample Tree"] = doctype_description(_sample_doctype(), "app")
	return catalogue


def _mutated(doc: dict, fieldname: str, **changes) -> dict:
	doc = copy.deepcopy(doc)
	fields_by_name(doc)[fieldname].update(changes)
	return doc


def _has(problems: list[str], *needles: str) -> bool:
	return any(all(n in p for n in needles) for p in problems)


def test_sample_metadata_is_clean_for_every_checker():
	doc, catalogue = _sample_doctype(), _sample_catalogue_with_doctype()
	assert check_fieldnames(doc, RESERVED_FIELDNAMES) == []
	assert check_link_targets(doc, catalogue) == []
	assert check_permissions(doc) == []
	assert check_naming(doc) == []
	assert check_workflow(_sample_workflow(), catalogue) == []
	assert check_name_collision(doc["name"], set(CORE_DOCTYPES)) == []


def test_lint_detects_missing_link_target():
	doc, catalogue = _sample_doctype(), _sample_catalogue()
	problems = check_link_targets(_mutated(doc, "owner_user", options="No Such DocType"), catalogue)
	assert _has(problems, "owner_user", "'No Such DocType'", "neither an app nor a core doctype")
	problems = check_link_targets(_mutated(doc, "roles", options="User"), catalogue)
	assert _has(problems, "roles", "not a child table")
	problems = check_link_targets(_mutated(doc, "reference_name", options="title"), catalogue)
	assert _has(problems, "reference_name", "not a Link to DocType or a Select")
	problems = check_link_targets(_mutated(doc, "owner_name", fetch_from="title.full_name"), catalogue)
	assert _has(problems, "owner_name", "'title' is not a Link field")
	problems = check_link_targets(_mutated(doc, "owner_name", fetch_from="owner_user.nickname"), catalogue)
	assert _has(problems, "owner_name", "has no 'nickname'")


def test_lint_detects_bad_fieldnames_and_field_order():
	doc = _sample_doctype()
	doc["fields"].append({"fieldname": "title", "fieldtype": "Data"})
	doc["fields"].append({"fieldname": "modified_by", "fieldtype": "Link", "options": "User"})
	doc["fields"].append({"fieldname": "Bad Name", "fieldtype": "Data"})
	doc["field_order"].remove("lft")
	doc["field_order"].append("ghost")
	problems = check_fieldnames(doc, RESERVED_FIELDNAMES)
	assert _has(problems, "'title' appears 2 times")
	assert _has(problems, "'modified_by' is a Frappe reserved fieldname")
	assert _has(problems, "'Bad Name' is not a lowercase identifier")
	assert _has(problems, "field_order misses", "'lft'")
	assert _has(problems, "do not exist", "'ghost'")
	assert {"name", "owner", "parent", "parenttype", "docstatus", "idx"} <= RESERVED_FIELDNAMES


def test_lint_detects_missing_read_permission():
	doc = _sample_doctype()
	doc["permissions"] = [{"role": "Guest", "read": 1}, {"role": "CRM Manager", "write": 1}]
	assert _has(check_permissions(doc), "no permission row grants read")
	doc["permissions"] = [{"role": "CRM Manager", "read": 1, "permlevel": 1}]
	assert _has(check_permissions(doc), "no permission row grants read")
	doc["permissions"], doc["istable"] = [], 1
	assert check_permissions(doc) == []  # child tables inherit their parent's permissions


def test_lint_detects_bad_naming_rules():
	doc = _sample_doctype()
	assert _has(check_naming({**doc, "autoname": "format:SMP-{YYYY}-{nope}-{####}"}), "{nope}")
	assert _has(check_naming({**doc, "autoname": "field:nope"}), "does not exist")
	assert _has(check_naming({**doc, "autoname": "SMP-.#####"}), "is not one of")
	assert _has(check_naming(_mutated(doc, "naming_series", options="\n")), "no series")
	assert check_naming({**doc, "autoname": "format:SMP-{title}-{MM}-{#####}"}) == []
	broken_tree = {
		**doc,
		"fields": [f for f in doc["fields"] if f["fieldname"] not in ("rgt", "parent_sample_tree")],
	}
	problems = check_naming(broken_tree)
	assert _has(problems, "rgt") and _has(problems, "parent field 'parent_sample_tree'")


def test_lint_detects_broken_workflow():
	catalogue = _sample_catalogue_with_doctype()
	wf = _sample_workflow()
	wf["transitions"].append(
		{"state": "Approved", "action": " ", "next_state": "Archived", "allowed": "Guest"}
	)
	wf["states"].append({"state": "Draft", "allow_edit": "Accounts User"})
	problems = check_workflow(wf, catalogue)
	assert _has(problems, "next_state 'Archived' is not one of the workflow's states")
	assert _has(problems, "empty action")
	assert _has(problems, "allowed role 'Guest' is not shipped")
	assert _has(problems, "allow_edit role 'Accounts User' is not shipped")
	assert _has(problems, "'Draft' listed 2 times")
	missing_field = {**_sample_workflow(), "workflow_state_field": "workflow_state"}
	assert _has(check_workflow(missing_field, catalogue), "no 'workflow_state' field")
	assert _has(check_workflow({**_sample_workflow(), "document_type": "Nope"}, catalogue), "'Nope'")


def test_lint_detects_unresolvable_hook_paths(tmp_path):
	package = tmp_path / APP_NAME
	(package / "services").mkdir(parents=True)
	(package / "__init__.py").write_text("")
	(package / "services" / "__init__.py").write_text("from crm_suite.services.jobs import run as run_all\n")
	(package / "services" / "jobs.py").write_text("def run():\n\tpass\n\nclass Handler:\n\tpass\n")
	source = (
		'after_install = "crm_suite.install.after_install"\n'
		'doc_events = {"*": {"on_update": "crm_suite.services.jobs.missing"}}\n'
		'scheduler_events = {"cron": {"0 * * * *": [\n'
		'\t"crm_suite.services.jobs.run", "crm_suite.services.run_all",\n'
		"]}}\n"
		'override_doctype_class = {"ToDo": "crm_suite.services.jobs.Handler"}\n'
		'app_include_js = "crm_suite.bundle.js"\n'
		'jinja = {"methods": ["crm_suite.services.jobs"]}\n'
		'on_logout = "not a path"\n'
	)
	hooks = {
		node.targets[0].id: node.value for node in ast.parse(source).body if isinstance(node, ast.Assign)
	}
	targets = hook_targets(hooks)
	assert ("app_include_js", "crm_suite.bundle.js") not in targets
	results = {
		value: check_hook_target(value, {APP_NAME: tmp_path}, allow_module=key not in PATH_HOOKS)
		for key, value in targets
	}
	assert _has(results["crm_suite.install.after_install"], "module crm_suite.install does not exist")
	assert _has(results["crm_suite.services.jobs.missing"], "does not define 'missing'")
	assert results["crm_suite.services.jobs.run"] == []
	assert results["crm_suite.services.run_all"] == []  # re-exported with `from x import name as alias`
	assert results["crm_suite.services.jobs.Handler"] == []
	assert results["crm_suite.services.jobs"] == []  # jinja methods may name a whole module
	assert _has(results["not a path"], "is not a dotted python path")
	assert _has(check_hook_target("erpnext.x.y", {APP_NAME: tmp_path}), "points outside")
	assert hook_doctype_keys(hooks) == [("doc_events", "*"), ("override_doctype_class", "ToDo")]

	assert hook_assets(hooks) == [("app_include_js", "crm_suite.bundle.js")]
	assert _has(check_hook_asset("crm_suite.bundle.js", package), "has no source file")
	(package / "public" / "js").mkdir(parents=True)
	(package / "public" / "js" / "crm_suite.bundle.js").write_text("")
	(package / "public" / "js" / "crm_suite.bundle.scss").write_text("")
	assert check_hook_asset("crm_suite.bundle.js", package) == []
	assert check_hook_asset("crm_suite.bundle.css", package) == []
	assert check_hook_asset("/assets/crm_suite/js/crm_suite.bundle.js", package) == []
	assert _has(check_hook_asset("/assets/crm_suite/js/gone.js", package), "'/assets/crm_suite/js/gone.js'")
	assert _has(check_hook_asset("public/js/customer_account.js", package), "has no source file")


def test_lint_detects_unannotated_whitelisted_parameters():
	source = (
		"import frappe\n"
		"@frappe.whitelist(methods=['POST'])\n"
		"def claim(customer: str, reason, *args, force: bool = False, note=None, **kwargs):\n\tpass\n"
		"@frappe.whitelist\n"
		"def ok(customer: str) -> dict:\n\tpass\n"
		"def not_exposed(x):\n\tpass\n"
		"class Doc:\n"
		"\t@frappe.whitelist()\n"
		"\tdef act(self, amount: float, memo):\n\t\tpass\n"
	)
	found = {w.qualname: w for w in find_whitelisted(ast.parse(source), Path("x.py"))}
	assert set(found) == {"claim", "ok", "Doc.act"}
	assert check_whitelisted_signature(found["claim"].node, False) == [
		"parameter 'reason' has no type annotation",
		"parameter 'note' has no type annotation",
	]
	assert check_whitelisted_signature(found["ok"].node, False) == []
	assert check_whitelisted_signature(found["Doc.act"].node, True) == [
		"parameter 'memo' has no type annotation"
	]


def test_lint_detects_name_collisions():
	assert _has(check_name_collision("Customer", set()), "ERPNext, HRMS or frappe/crm")
	assert _has(check_name_collision("CRM Deal", set()), "'CRM ' namespace")
	assert _has(check_name_collision("ToDo", {"ToDo"}), "Frappe core doctype")
	# the committed lists: ERPNext's, HRMS's and Frappe CRM's names, each read from its own file
	assert _has(check_name_collision("Opportunity Lost Reason", set()), "(erpnext)")
	assert _has(check_name_collision("Salary Slip", set()), "(hrms)")
	assert _has(check_name_collision("CRM Deal", set()), "(frappe_crm)")
	assert _has(check_name_collision("Target Detail", set()), "(erpnext)")
	# letter case does not make a name one's own: MariaDB and Frappe look doctypes up ignoring it
	assert _has(check_name_collision("SMS log", set()), "(erpnext)")
	assert _has(check_name_collision("todo", {"ToDo"}), "Frappe core doctype")
	assert check_name_collision("Sales Opportunity", {"ToDo"}) == []


def test_foreign_doctype_lists_are_committed_and_read():
	assert set(FOREIGN_DOCTYPES_BY_APP) == {"erpnext", "hrms", "frappe_crm"}
	assert {"Opportunity", "Sales Stage", "Competitor", "Sales Person"} <= FOREIGN_DOCTYPES_BY_APP["erpnext"]
	assert {"Employee Grievance", "Leave Application"} <= FOREIGN_DOCTYPES_BY_APP["hrms"]
	assert {"CRM Deal", "CRM Lead", "CRM Deal Status"} <= FOREIGN_DOCTYPES_BY_APP["frappe_crm"]
	assert not any(name.startswith("#") for names in FOREIGN_DOCTYPES_BY_APP.values() for name in names)
	assert check_name_collision("CRM Suite Settings", set()) == []
	if FRAPPE_PACKAGE.is_dir():
		assert {"User", "Role", "Has Role", "DocType"} <= set(CORE_DOCTYPES)
		assert CORE_DOCTYPES["Has Role"]["istable"] and not CORE_DOCTYPES["User"]["istable"]


def test_lint_detects_bad_doctype_identity(tmp_path):
	folder = tmp_path / "customers" / "doctype" / "sample_tree"
	folder.mkdir(parents=True)
	json_path = folder / "sample_tree.json"
	(folder / "sample_tree.py").write_text("class SampleTree:\n\tpass\n")
	assert check_doctype_identity(_sample_doctype(), json_path, ["Customers"]) == []
	problems = check_doctype_identity({**_sample_doctype(), "name": "Sample-Trees"}, json_path, ["Customers"])
	assert _has(problems, "scrubs to 'sample_trees'") and _has(problems, "defines no class SampleTrees")
	problems = check_doctype_identity(
		{**_sample_doctype(), "module": "Sales"}, json_path, ["Customers", "Sales"]
	)
	assert _has(problems, "lives in the folder of module 'Customers'")
	assert _has(
		check_doctype_identity(_sample_doctype(), json_path, ["CRM Core"]), "not listed in modules.txt"
	)
	(folder / "sample_tree.py").unlink()
	assert _has(
		check_doctype_identity(_sample_doctype(), json_path, ["Customers"]), "controller sample_tree.py"
	)


def test_lint_detects_broken_reports_workspaces_and_translations(tmp_path):
	folder = tmp_path / "customers" / "report" / "pool_size"
	folder.mkdir(parents=True)
	report = {
		"doctype": "Report",
		"name": "Pool Size",
		"module": "Customers",
		"ref_doctype": "Sample Tree",
		"report_type": "Script Report",
		"is_standard": "Yes",
	}
	(folder / "pool_size.py").write_text("def execute(filters=None):\n\treturn [], []\n")
	catalogue = _sample_catalogue_with_doctype()
	assert check_report(report, folder / "pool_size.json", ["Customers"], catalogue) == []
	(folder / "pool_size.py").write_text("def run(filters=None):\n\treturn [], []\n")
	problems = check_report(
		{**report, "ref_doctype": "Nope"}, folder / "pool_size.json", ["Customers"], catalogue
	)
	assert _has(problems, "'Nope'") and _has(problems, "no top-level def execute")

	ws = {
		"doctype": "Workspace",
		"name": "Customers",
		"module": "Customers",
		"links": [
			{"type": "Card Break", "label": "Masters"},
			{"type": "Link", "link_type": "DocType", "link_to": "Sample Tree"},
			{"type": "Link", "link_type": "Report", "link_to": "Missing Report"},
		],
		"shortcuts": [{"type": "DocType", "link_to": "Gone"}],
		"number_cards": [{"number_card_name": "Pool Count"}, {"number_card_name": "Ghost Card"}],
		"charts": [{"chart_name": "Ghost Chart"}],
	}
	ws_path = tmp_path / "customers" / "workspace" / "customers" / "customers.json"
	components = {"number_card": {"Pool Count"}, "dashboard_chart": set()}
	problems = check_workspace(ws, ws_path, ["Customers"], catalogue, {"Pool Size"}, components)
	assert _has(problems, "Report 'Missing Report'") and _has(problems, "DocType 'Gone'")
	assert _has(problems, "'Ghost Card'") and _has(problems, "'Ghost Chart'")
	assert not _has(problems, "'Pool Count'")
	linked = workspace_doctypes([ws])
	assert check_workspace_coverage(_sample_doctype(), linked) == []
	assert _has(check_workspace_coverage({**_sample_doctype(), "name": "Hidden"}, linked), "'Hidden'")
	assert check_workspace_coverage({"name": "Hidden", "istable": 1}, linked) == []

	po_path = tmp_path / "zh.po"
	po_path.write_text(
		'msgid "Sample Tree"\nmsgstr "示例树"\n\nmsgctxt "Sample"\nmsgid "Title"\nmsgstr "标题"\n\n'
		'msgid "Owner User"\nmsgstr ""\n',
		encoding="utf-8",
	)
	problems = check_translations(_sample_doctype(), load_translations(po_path))
	assert problems == ["no zh translation for ['Owner User']"]
