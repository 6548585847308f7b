"""Field-level read permission on list queries, made whole (SPEC ORG-03, ORG-06): a backport.

Frappe 15 up to at least 15.55 drops a field the user may not read from `DatabaseQuery.fields` while it
enumerates that same list, so the field right after a dropped one is never checked: a salesperson asking
`get_list("Customer Account", fields=["mobile_no", "phone"])` (REST included) got `phone` in full. Fixed
upstream by frappe/frappe#32192. Frappe has no hook to extend its list query, so the fix is backported:
`apply_backport` — named in hooks.py's `before_request` and `before_job`, and run by the tests'
`before_tests` — makes `DatabaseQuery.apply_fieldlevel_read_permissions` repeat Frappe's own check until it
removes nothing more. On a fixed Frappe the second pass changes nothing. `test_fieldlevel.py` runs Frappe's
unpatched method on the bench's Frappe and fails once Frappe no longer needs the backport: then delete this
module and its hooks.
"""

from frappe.model.db_query import DatabaseQuery

MARK = "crm_suite_until_stable"


def frappe_method():
	"""Frappe's own `apply_fieldlevel_read_permissions`, whether or not the backport is in place."""
	method = DatabaseQuery.apply_fieldlevel_read_permissions
	return getattr(method, "__wrapped__", method)


def _until_stable(original):
	def apply_fieldlevel_read_permissions(self):
		while True:
			before = list(self.fields)
			original(self)
			if self.as_list or self.fields == before:  # as_list blanks fields in place: one pass is whole
				return

	apply_fieldlevel_read_permissions.__wrapped__ = original
	setattr(apply_fieldlevel_read_permissions, MARK, True)
	return apply_fieldlevel_read_permissions


def apply_backport(*args, **kwargs):
	"""Idempotent: put the fix in place once per process (hook signature tolerant)."""
	current = DatabaseQuery.apply_fieldlevel_read_permissions
	if not getattr(current, MARK, False):
		DatabaseQuery.apply_fieldlevel_read_permissions = _until_stable(current)
