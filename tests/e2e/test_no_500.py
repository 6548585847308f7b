"""No whitelisted method of the app answers 500 to argument values of the right type (security review,
issue 12 item 6).

Every `@frappe.whitelist` function under apps/crm_suite/crm_suite is found by reading the source (AST), with
its parameters' annotated types and the HTTP methods it accepts; each is then called over REST, as a
salesperson (API token) and as Administrator, with empty, unknown and hostile values of those types. Bad input
must be answered with a 4xx (or served), never with a server error.
"""

import ast
import json
from pathlib import Path

import pytest
from conftest import WEB_URL, Client

APP = Path(__file__).resolve().parents[2] / "apps" / "crm_suite" / "crm_suite"
LONG = "长" * 3000 + "x" * 3000
STRINGS = ("", "does-not-exist", "'; drop table x; --", LONG)
INTS = (-1, 0, 10**12)


def _dotted(node) -> str:
	if isinstance(node, ast.Attribute):
		return f"{_dotted(node.value)}.{node.attr}"
	return node.id if isinstance(node, ast.Name) else ""


def _whitelist_methods(decorator) -> tuple[str, ...] | None:
	"""('GET', 'POST') … for a @frappe.whitelist(...) decorator, else None."""
	call = decorator if isinstance(decorator, ast.Call) else None
	target = call.func if call else decorator
	if _dotted(target) not in ("frappe.whitelist", "whitelist"):
		return None
	for kw in call.keywords if call else ():
		if kw.arg == "methods":
			return tuple(ast.literal_eval(kw.value))
	return ("GET", "POST", "PUT", "DELETE")


def _kind(annotation) -> set[str]:
	"""The JSON kinds a parameter's annotation accepts (members of a union): str, list, dict, int, bool."""
	if annotation is None:
		return {"str"}
	if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
		return _kind(annotation.left) | _kind(annotation.right)
	base = annotation.value if isinstance(annotation, ast.Subscript) else annotation
	name = _dotted(base).rsplit(".", 1)[-1].lower()
	name = {"float": "int", "none": "", "optional": "str", "any": "str"}.get(name, name)
	return {name} & {"str", "list", "dict", "int", "bool"} if name else set()


def discover() -> list[dict]:
	found = []
	for path in sorted(APP.rglob("*.py")):
		rel = path.relative_to(APP.parent)
		if "tests" in rel.parts or path.name.startswith("test_"):
			continue
		tree = ast.parse(path.read_text())
		for node in tree.body:
			if not isinstance(node, ast.FunctionDef):
				continue
			methods = next(
				(m for m in map(_whitelist_methods, node.decorator_list) if m is not None),
				None,
			)
			if methods is None:
				continue
			args = node.args.args
			defaults = [None] * (len(args) - len(node.args.defaults)) + list(node.args.defaults)
			params = [
				{"name": a.arg, "kinds": _kind(a.annotation) or {"str"}, "required": d is None}
				for a, d in zip(args, defaults, strict=True)
			]
			module = ".".join(rel.with_suffix("").parts)
			found.append({"method": f"{module}.{node.name}", "params": params, "http": methods})
	return found


METHODS = discover()


def _value(kinds: set[str], i: int, variant: str):
	if "bool" in kinds and len(kinds) == 1:
		return bool(i % 2)
	if "int" in kinds and not {"str", "list", "dict"} & kinds:
		return INTS[i % len(INTS)]
	if variant == "list" and "list" in kinds:
		return ([], ["does-not-exist"], ["'; drop table x; --", LONG])[i % 3]
	if variant == "list" and "dict" in kinds:
		return {}
	if "str" in kinds or not {"list", "dict"} & kinds:
		return STRINGS[i % len(STRINGS)]
	if "list" in kinds:
		return ([], ["does-not-exist"], [LONG])[i % 3]
	return {}


def argument_sets(method: dict) -> list[dict]:
	"""Every parameter at once: each string value, the list/dict variants, ints -1 / 0 / 10**12, and only
	the required parameters."""
	sets = []
	for variant, rounds in (("str", len(STRINGS)), ("list", 3)):
		for i in range(rounds):
			sets.append({p["name"]: _value(p["kinds"], i, variant) for p in method["params"]})
	for n in INTS:
		sets.append(
			{p["name"]: n if "int" in p["kinds"] else _value(p["kinds"], 1, "str") for p in method["params"]}
		)
	sets.append({p["name"]: _value(p["kinds"], 1, "str") for p in method["params"] if p["required"]})
	return sets


def call(client: Client, method: dict, params: dict):
	if "POST" in method["http"]:
		return client.http.post(f"{WEB_URL}/api/method/{method['method']}", json=params, timeout=60)
	query = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
	return client.http.get(f"{WEB_URL}/api/method/{method['method']}", params=query, timeout=60)


def test_discovery_finds_the_apps_endpoints():
	names = {m["method"] for m in METHODS}
	assert "crm_suite.api.pool.assign" in names
	assert "crm_suite.customers.search.customer_query" in names
	assert len(names) >= 30, names
	random_claim = next(m for m in METHODS if m["method"] == "crm_suite.api.pool.random_claim")
	assert {p["name"]: p["kinds"] for p in random_claim["params"]}["count"] == {"int"}


@pytest.mark.parametrize("who", ["salesperson", "admin"])
def test_no_whitelisted_method_answers_500(stack, admin, team, who):
	client = admin if who == "admin" else Client(WEB_URL, token=team["a"]["token"])
	failures = []
	for method in METHODS:
		for params in argument_sets(method):
			r = call(client, method, params)
			if r.status_code >= 500:
				shown = {
					k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v) for k, v in params.items()
				}
				exc = ""
				try:
					exc = (json.loads(r.json().get("exc", "[]")) or [""])[-1].strip().splitlines()[-1]
				except Exception:
					exc = r.text[-300:]
				failures.append(f"{r.status_code} {method['method']} {shown}: {exc}")
	assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
