"""One definition of a doctype's row scope for lists and for single documents (SPEC ORG-03).

Each scoped doctype defines its scope once, as a frappe.qb criterion over its table (or None when the user
is unrestricted). From that one criterion come both Frappe hooks:

- `permission_query_conditions` — the criterion as SQL, applied to lists, reports, counts, search, export;
- `has_permission` — the same criterion run for one document: over the stored row (so a row outside the
  scope is never read, written or printed by name) and, for changes, over the document's values as they are
  in memory (so a save cannot move a row out of, or into, the scope behind the list's back).

Nothing re-implements a condition in Python, so the two cannot drift apart. A doctype's module writes its
criterion once with `@scope(doctype)` and names its two hooks `list_condition(criterion)` and
`document_permission(criterion)`.
"""

import functools

import frappe
from pypika.terms import ValueWrapper

from crm_suite.permissions.scope import visible_users

# Permission types that only look at a row; everything else (write, delete, share, submit …) changes it.
READ_PTYPES = frozenset({"read", "print", "select", "report", "export", "email"})


def condition_sql(criterion) -> str:
	"""A criterion as the SQL text `permission_query_conditions` hooks return ("" when unrestricted)."""
	return "" if criterion is None else f"({criterion.get_sql(quote_char='`', with_namespace=True)})"


def _columns(criterion, table) -> list[str]:
	name = table.get_table_name()
	return sorted(
		{f.name for f in criterion.fields_() if f.table is not None and f.table.get_table_name() == name}
	)


def stored_row_matches(doctype: str, name: str, criterion) -> bool:
	"""Is the stored row `name` within the criterion?"""
	if criterion is None:
		return True
	table = frappe.qb.DocType(doctype)
	return bool(frappe.qb.from_(table).select(table.name).where((table.name == name) & criterion).run())


def values_match(doc, criterion, table) -> bool:
	"""Do the document's in-memory values satisfy the criterion? The values are selected as a one-row
	derived table named like the doctype's table, so the criterion runs on them unchanged."""
	if criterion is None:
		return True
	columns = _columns(criterion, table)
	if not columns:
		return bool(frappe.qb.from_(table).select(table.name).where(criterion).limit(1).run())
	values = frappe.qb.select(*(ValueWrapper(doc.get(c)).as_(c) for c in columns)).as_(table.get_table_name())
	return bool(frappe.qb.from_(values).select(1).where(criterion).run())


def doc_matches(doc, criterion_for, ptype: str = "read", user: str | None = None) -> bool:
	"""`has_permission` from a scope: `criterion_for(user, table, ptype)` is the doctype's one definition.

	A new document passes: what may be created is the role permissions' and the services' to decide (its
	scope fields are often filled in later in the insert)."""
	if doc.is_new() if hasattr(doc, "is_new") else not doc.get("name"):
		return True
	table = frappe.qb.DocType(doc.doctype)
	criterion = criterion_for(user or frappe.session.user, table, ptype)
	if criterion is None:
		return True
	if not stored_row_matches(doc.doctype, doc.name, criterion):
		return False
	# a read looks at the stored row; only a change can carry new values out of (or into) the scope
	return ptype in READ_PTYPES or values_match(doc, criterion, table)


def scope(doctype: str):
	"""Decorator for a doctype's one scope definition, `build(user, users, table, ptype)` → criterion, where
	`users` are the salespeople whose records `user` sees. The decorated function takes
	`(user=None, table=None, ptype="read")` and is None for users who see everything (admins)."""

	def decorate(build):
		@functools.wraps(build)
		def criterion(user: str | None = None, table=None, ptype: str = "read"):
			user = user or frappe.session.user
			users = visible_users(user)
			if users is None:
				return None
			return build(user, users, table or frappe.qb.DocType(doctype), ptype)

		return criterion

	return decorate


def list_condition(criterion):
	"""The `permission_query_conditions` hook of a scope."""

	def get_permission_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
		return condition_sql(criterion(user))

	return get_permission_query_conditions


def document_permission(criterion_of):
	"""The `has_permission` hook of a scope, or of {doctype: scope} for a hook several doctypes share."""

	def has_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
		criterion = criterion_of[doc.doctype] if isinstance(criterion_of, dict) else criterion_of
		return doc_matches(doc, criterion, ptype, user)

	return has_permission


def where_in_scope(query, criterion):
	"""`query` limited to a scope's rows (unchanged for users who see everything)."""
	return query if criterion is None else query.where(criterion)
