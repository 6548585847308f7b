"""Field-level read permission on list queries, made whole (SPEC ORG-03, ORG-06).

Frappe 15 up to at least 15.55 drops a field the user may not read from `DatabaseQuery.fields` while it
enumerates that same list, so the field right after a dropped one is never checked: a salesperson asking
`get_list("Customer Account", fields=["mobile_no", "phone"])` (REST included) got `phone` in full. Fixed
upstream by frappe/frappe#32192. Until every bench runs a fixed Frappe, the check is repeated until it
removes nothing more; on a fixed Frappe the second pass changes nothing.
"""

from frappe.model.db_query import DatabaseQuery


def _until_stable(original):
	def apply_fieldlevel_read_permissions(self):
		while True:
			before = list(self.fields)
			original(self)
			if self.as_list or self.fields == before:  # as_list blanks fields in place: one pass is whole
				return

	apply_fieldlevel_read_permissions.crm_suite_until_stable = True
	return apply_fieldlevel_read_permissions


def install():
	current = DatabaseQuery.apply_fieldlevel_read_permissions
	if not getattr(current, "crm_suite_until_stable", False):
		DatabaseQuery.apply_fieldlevel_read_permissions = _until_stable(current)
