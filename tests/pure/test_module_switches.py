"""Module switches (SPEC ORG-04): dependencies, what a switch blocks, which jobs it stops."""

import ast
from pathlib import Path

from crm_suite.policies import modules as m

APP = Path(__file__).resolve().parents[2] / "apps" / "crm_suite" / "crm_suite"


def test_every_switch_names_existing_switches_it_needs():
	for switch in m.SWITCHES:
		for need in switch.needs:
			assert need in m.BY_KEY, (switch.key, need)
			assert need != switch.key


def test_loyalty_needs_orders_and_orders_need_sales():
	everything = {s.key for s in m.SWITCHES}
	assert m.unmet_needs(everything) == []
	assert m.unmet_needs(everything - {"orders"}) == [("loyalty", "orders")]
	assert sorted(m.unmet_needs(everything - {"sales"})) == [("marketing", "sales"), ("orders", "sales")]
	assert sorted(m.dependants("sales")) == ["loyalty", "marketing", "orders"]
	assert m.dependants("loyalty") == []


def test_off_modules_are_the_switched_off_ones_only_and_never_the_core():
	everything = {s.key for s in m.SWITCHES}
	assert m.off_modules(everything) == frozenset()
	assert m.off_modules(everything - {"loyalty"}) == {"Loyalty"}
	assert m.off_modules(set()) & set(m.ALWAYS_ON) == set()


def test_every_switch_module_and_core_module_is_an_app_module_or_one_to_come():
	modules = set((APP / "modules.txt").read_text().split("\n")) - {""}
	for switch in m.SWITCHES:
		for module in switch.modules:
			assert module in modules or module in ("Marketing", "Service"), module
	assert set(m.ALWAYS_ON) <= modules
	covered = {mod for s in m.SWITCHES for mod in s.modules} | set(m.ALWAYS_ON)
	assert modules <= covered, modules - covered


def test_every_scheduled_job_belongs_to_a_switch():
	tree = ast.parse((APP / "tasks.py").read_text())
	functions = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name != "switched"]
	jobs = {n.name for n in functions if not n.name.startswith("_")}
	unswitched = [
		n.name for n in functions if n.name in jobs and "switched" not in map(ast.unparse, n.decorator_list)
	]
	assert unswitched == [], "every scheduled job stops with its module: decorate it with @switched"
	assert jobs <= set(m.JOBS), jobs - set(m.JOBS)
	assert set(m.JOBS.values()) <= set(m.BY_KEY)
