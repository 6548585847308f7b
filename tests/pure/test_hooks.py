"""hooks.py is read by Frappe as plain module globals: a key written twice in one of its dict literals silently
drops the first entry (a scheduler job, a permission hook, an override). Merged work from parallel branches
makes that easy to do; this check refuses it."""

import ast
from pathlib import Path

HOOKS = Path(__file__).resolve().parents[2] / "apps" / "crm_suite" / "crm_suite" / "hooks.py"


def duplicate_keys(source: str) -> list[tuple[int, str]]:
	"""(line, key) of every constant key repeated within one dict literal."""
	found = []
	for node in ast.walk(ast.parse(source)):
		if isinstance(node, ast.Dict):
			seen = set()
			for key in node.keys:
				if isinstance(key, ast.Constant):
					if key.value in seen:
						found.append((key.lineno, key.value))
					seen.add(key.value)
	return found


def test_hooks_dicts_have_no_repeated_keys():
	assert duplicate_keys(HOOKS.read_text(encoding="utf-8")) == []


def test_the_check_sees_a_repeated_key():
	assert duplicate_keys('x = {"daily": ["a"], "weekly": [], "daily": ["b"]}') == [(1, "daily")]
