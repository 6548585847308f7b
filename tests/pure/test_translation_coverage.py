"""Every message the app shows goes out in Chinese: each literal in `_("…")` (Python) and `__("…")` (Desk JS)
has a translation in the app's gettext catalogue, locale/zh.po (doctype labels are linted with the metadata).
Read as text: nothing is imported."""

import ast
import re
from pathlib import Path

from test_metadata_lint import PACKAGE, TRANSLATIONS_ZH, load_translations

JS_MESSAGE = re.compile(r"""__\(\s*(["'`])((?:\\.|(?!\1).)*)\1""")


def python_messages(root: Path) -> dict[str, str]:
	"""message → first file using it, for `_("literal")` calls outside tests and patches."""
	found = {}
	for path in sorted(root.rglob("*.py")):
		if {"tests", "patches"} & set(path.parts) or path.name.startswith("test_"):
			continue
		for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
			if (
				isinstance(node, ast.Call)
				and isinstance(node.func, ast.Name)
				and node.func.id == "_"
				and node.args
				and isinstance(node.args[0], ast.Constant)
				and isinstance(node.args[0].value, str)
			):
				found.setdefault(node.args[0].value, str(path.relative_to(root)))
	return found


def js_messages(root: Path) -> dict[str, str]:
	found = {}
	for path in sorted(root.rglob("*.js")):
		if "dist" in path.parts or "node_modules" in path.parts:
			continue
		for match in JS_MESSAGE.finditer(path.read_text(encoding="utf-8")):
			if match.group(1) == "`" and "${" in match.group(2):
				continue  # a template with placeholders is not a message id
			text = match.group(2).replace("\\'", "'").replace('\\"', '"')
			found.setdefault(text, str(path.relative_to(root)))
	return found


def untranslated(root: Path, translations: dict[str, str]) -> list[str]:
	messages = {**python_messages(root), **js_messages(root)}
	return sorted(f"{where}: {text!r}" for text, where in messages.items() if text not in translations)


def test_every_python_and_desk_message_has_a_zh_translation():
	assert untranslated(PACKAGE, load_translations(TRANSLATIONS_ZH)) == []


def test_the_check_finds_an_untranslated_message(tmp_path):
	(tmp_path / "api.py").write_text('from frappe import _\n_("Known")\n_("Unknown {0}").format(1)\n')
	(tmp_path / "desk.js").write_text('frappe.msgprint(__("Known")); __("Desk only");\n')
	(tmp_path / "zh.po").write_text('msgid "Known"\nmsgstr "已知"\n', encoding="utf-8")
	problems = untranslated(tmp_path, load_translations(tmp_path / "zh.po"))
	assert problems == ["api.py: 'Unknown {0}'", "desk.js: 'Desk only'"]
